package server

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"time"

	"example.com/orders/internal/store"
)

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
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, o)
}

func (s *Server) cancelOrder(w http.ResponseWriter, r *http.Request) {
	o, err := s.orders.Get(r.Context(), r.PathValue("id"))
	if err == nil && o.Status == store.StatusPaid {
		err = s.payments.Refund(r.Context(), o.ID, o.AmountCents)
	}
	if err == nil {
		err = s.orders.SetStatus(r.Context(), o.ID, store.StatusCancelled)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func writeError(w http.ResponseWriter, err error) {
	if errors.Is(err, store.ErrNotFound) {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	log.Printf("server: %v", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
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
