// Package store persists orders in a SQL database.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Order statuses.
const (
	StatusPending   = "pending"
	StatusPaid      = "paid"
	StatusCancelled = "cancelled"
)

// ErrNotFound is returned when an order does not exist.
var ErrNotFound = errors.New("order not found")

// Order is a customer order.
type Order struct {
	ID          string    `json:"id"`
	Customer    string    `json:"customer"`
	AmountCents int64     `json:"amount_cents"`
	Status      string    `json:"status"`
	CreatedAt   time.Time `json:"created_at"`
}

// Store is a database/sql-backed order store.
type Store struct {
	db *sql.DB
}

// Open connects to the database. The database often starts after us (docker
// compose, a fresh CI environment), so the first ping is retried a few times.
func Open(ctx context.Context, driver, dsn string) (*Store, error) {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	delay := 200 * time.Millisecond
	for attempt := 1; ; attempt++ {
		pingCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err = db.PingContext(pingCtx)
		cancel()
		if err == nil {
			return &Store{db: db}, nil
		}
		if attempt == 5 || ctx.Err() != nil {
			db.Close()
			return nil, fmt.Errorf("connect to database: %w", err)
		}
		time.Sleep(delay)
		delay *= 2
	}
}

// DB exposes the underlying handle for health checks.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database handle.
func (s *Store) Close() error { return s.db.Close() }

// Create inserts a new order.
func (s *Store) Create(ctx context.Context, o Order) error {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO orders (id, customer, amount_cents, status, created_at) VALUES ($1, $2, $3, $4, $5)`,
		o.ID, o.Customer, o.AmountCents, o.Status, o.CreatedAt)
	return err
}

// Get returns the order with the given id.
func (s *Store) Get(ctx context.Context, id string) (Order, error) {
	var o Order
	err := s.db.QueryRowContext(ctx,
		`SELECT id, customer, amount_cents, status, created_at FROM orders WHERE id = $1`, id).
		Scan(&o.ID, &o.Customer, &o.AmountCents, &o.Status, &o.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, ErrNotFound
	}
	return o, err
}

// ListPending returns up to limit orders waiting for payment, oldest first.
func (s *Store) ListPending(ctx context.Context, limit int) ([]Order, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, customer, amount_cents, status, created_at
		FROM orders WHERE status = $1 ORDER BY created_at LIMIT $2`, StatusPending, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var orders []Order
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.ID, &o.Customer, &o.AmountCents, &o.Status, &o.CreatedAt); err != nil {
			return nil, err
		}
		orders = append(orders, o)
	}
	return orders, rows.Err()
}

// SetStatus updates the status of an order.
func (s *Store) SetStatus(ctx context.Context, id, status string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE orders SET status = $1 WHERE id = $2`, status, id)
	return err
}
