// Package server exposes the orders HTTP API and the health endpoints.
package server

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"sync/atomic"
	"time"

	"example.com/orders/internal/payments"
	"example.com/orders/internal/store"
)

// maxBacklog is the number of unpaid orders above which the instance asks
// the load balancer to stop sending it traffic.
const maxBacklog = 10000

// Server is the public HTTP API.
type Server struct {
	srv      *http.Server
	db       *sql.DB
	orders   *store.Store
	payments *payments.Client
	draining atomic.Bool
}

// New builds the server and its routes.
func New(addr string, st *store.Store, pay *payments.Client) *Server {
	s := &Server{db: st.DB(), orders: st, payments: pay}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /orders", s.createOrder)
	mux.HandleFunc("GET /orders/{id}", s.getOrder)
	mux.HandleFunc("DELETE /orders/{id}", s.cancelOrder)
	mux.HandleFunc("/livez", s.live)
	mux.HandleFunc("/healthz", s.live) // old name, still used by the load balancer
	mux.HandleFunc("/readyz", s.ready)

	s.srv = &http.Server{
		Addr:         addr,
		Handler:      mux,
		WriteTimeout: 15 * time.Second,
		IdleTimeout:  60 * time.Second,
	}
	return s
}

// ListenAndServe serves until Shutdown is called.
func (s *Server) ListenAndServe() error {
	log.Printf("server: listening on %s", s.srv.Addr)
	if err := s.srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown fails the readiness check, then waits for in-flight requests.
func (s *Server) Shutdown() error {
	s.draining.Store(true)
	return s.srv.Shutdown(context.Background())
}

// live tells the orchestrator whether the process should be restarted.
func (s *Server) live(w http.ResponseWriter, r *http.Request) {
	if err := s.db.Ping(); err != nil {
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ok\n"))
}

// ready tells the load balancer whether to send this instance traffic.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := s.db.PingContext(ctx); err != nil {
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	var backlog int
	err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM orders WHERE status = 'pending'").Scan(&backlog)
	if err != nil || backlog > maxBacklog {
		http.Error(w, "backlog too large", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ok\n"))
}

func (s *Server) createOrder(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Customer    string `json:"customer"`
		AmountCents int64  `json:"amount_cents"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
		http.Error(w, "invalid JSON: "+err.Error(), http.StatusBadRequest)
		return
	}
	if in.Customer == "" || in.AmountCents <= 0 {
		http.Error(w, "customer and a positive amount_cents are required", http.StatusBadRequest)
		return
	}
	o := store.Order{
		ID:          newID(),
		Customer:    in.Customer,
		AmountCents: in.AmountCents,
		Status:      store.StatusPending,
		CreatedAt:   time.Now().UTC(),
	}
	if err := s.orders.Create(r.Context(), o); err != nil {
		log.Printf("server: create order: %v", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusCreated, o)
}

func (s *Server) getOrder(w http.ResponseWriter, r *http.Request) {
	o, ok := s.lookup(w, r)
	if ok {
		writeJSON(w, http.StatusOK, o)
	}
}

func (s *Server) cancelOrder(w http.ResponseWriter, r *http.Request) {
	o, ok := s.lookup(w, r)
	if !ok {
		return
	}
	if o.Status == store.StatusPaid {
		if err := s.payments.Refund(o.ID, o.AmountCents); err != nil {
			log.Printf("server: refund order %s: %v", o.ID, err)
			http.Error(w, "refund failed", http.StatusBadGateway)
			return
		}
	}
	if err := s.orders.SetStatus(r.Context(), o.ID, store.StatusCancelled); err != nil {
		log.Printf("server: cancel order %s: %v", o.ID, err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// lookup loads the order named in the path, writing the error response if
// there is none.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) (store.Order, bool) {
	o, err := s.orders.Get(r.Context(), r.PathValue("id"))
	switch {
	case errors.Is(err, store.ErrNotFound):
		http.Error(w, "not found", http.StatusNotFound)
		return o, false
	case err != nil:
		log.Printf("server: get order: %v", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return o, false
	}
	return o, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
