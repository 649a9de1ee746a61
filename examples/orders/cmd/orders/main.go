// Command orders runs the orders API and the payment worker.
package main

import (
	"context"
	"flag"
	"log"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"time"

	"example.com/orders/internal/config"
	"example.com/orders/internal/payments"
	"example.com/orders/internal/server"
	"example.com/orders/internal/store"
	"example.com/orders/internal/worker"
)

func main() {
	configPath := flag.String("config", "orders.json", "path to the configuration file")
	debug := flag.Bool("debug", false, "serve pprof on :6060")
	flag.Parse()

	cfg := config.MustLoad(*configPath)

	openCtx, cancelOpen := context.WithTimeout(context.Background(), 30*time.Second)
	st, err := store.Open(openCtx, cfg.DatabaseDriver, cfg.DatabaseDSN)
	cancelOpen()
	if err != nil {
		log.Fatalf("orders: %v", err)
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Fatalf("orders: close store: %v", err)
		}
	}()

	pay := payments.New(cfg.PaymentsURL, cfg.PaymentsAPIKey)
	if err := pay.CheckCredentials(); err != nil {
		// Not fatal: the worker keeps retrying charges until the provider is back.
		log.Printf("orders: payment provider: %v", err)
	}

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	w := worker.New(st, pay, cfg.PollInterval())
	w.Start(ctx)

	if *debug {
		go func() {
			log.Println(http.ListenAndServe(":6060", nil))
		}()
	}

	srv := server.New(cfg.Addr, st, pay)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()

	sigs := make(chan os.Signal)
	signal.Notify(sigs, os.Interrupt)

	select {
	case sig := <-sigs:
		log.Printf("orders: received %v, shutting down", sig)
	case err := <-errc:
		log.Printf("orders: server stopped: %v", err)
		os.Exit(1)
	}

	shutdownCtx, cancelShutdown := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancelShutdown()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Printf("orders: shutdown: %v", err)
	}
	stop()
	w.Wait()
	log.Printf("orders: stopped")
}

// shutdownTimeout bounds the drain of in-flight requests after SIGTERM.
const shutdownTimeout = 45 * time.Second
