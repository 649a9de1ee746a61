// Package server exposes the orders HTTP API and the health endpoints.
package server

import (
	"context"
	"database/sql"
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
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	return s.srv.Shutdown(ctx)
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
