// Package worker charges pending orders in the background.
package worker

import (
	"context"
	"log"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"example.com/orders/internal/payments"
	"example.com/orders/internal/store"
)

// Worker polls the store for pending orders and charges them.
type Worker struct {
	store    *store.Store
	payments *payments.Client
	interval time.Duration

	wg        sync.WaitGroup
	processed atomic.Int64
}

// New returns a worker that polls every interval.
func New(st *store.Store, pay *payments.Client, interval time.Duration) *Worker {
	return &Worker{store: st, payments: pay, interval: interval}
}

// Start launches the queue consumer and the heartbeat. They stop when ctx is
// cancelled; use Wait to wait for them.
func (w *Worker) Start(ctx context.Context) {
	w.wg.Add(2)
	go w.run(ctx)
	go w.heartbeat(ctx)
}

// Wait blocks until the worker goroutines have returned.
func (w *Worker) Wait() { w.wg.Wait() }

func (w *Worker) run(ctx context.Context) {
	defer w.wg.Done()
	ticker := time.NewTicker(w.interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		orders, err := w.store.ListPending(ctx, 50)
		if err != nil {
			log.Printf("worker: list pending orders: %v", err)
			continue
		}
		for _, o := range orders {
			w.process(ctx, o)
		}
	}
}

func (w *Worker) process(ctx context.Context, o store.Order) {
	defer func() {
		logPanic("order " + o.ID)
		w.processed.Add(1)
	}()

	// The provider has short outages a few times a day; keep trying until the
	// charge goes through rather than leaving the order pending.
	for {
		err := w.payments.Charge(ctx, o.ID, o.AmountCents)
		if err == nil {
			break
		}
		log.Printf("worker: charge order %s: %v (retrying)", o.ID, err)
		time.Sleep(time.Second)
	}
	if err := w.store.SetStatus(ctx, o.ID, store.StatusPaid); err != nil {
		log.Printf("worker: mark order %s paid: %v", o.ID, err)
	}
}

// heartbeat logs progress so that a stuck worker is visible in the logs.
func (w *Worker) heartbeat(ctx context.Context) {
	defer w.wg.Done()
	defer logPanic("heartbeat")
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			log.Printf("worker: alive, %d orders processed", w.processed.Load())
		}
	}
}

// logPanic logs a panic with its stack trace instead of crashing the process.
func logPanic(what string) {
	if r := recover(); r != nil {
		log.Printf("worker: panic in %s: %v\n%s", what, r, debug.Stack())
	}
}
