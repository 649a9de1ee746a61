package main

import (
	"context"
	"log"
	"net/http"
	"time"
)

func serve(ctx context.Context, srv *http.Server) {
	go func() {
		if err := srv.ListenAndServe(); err != http.ErrServerClosed {
			log.Fatal(err)
		}
	}()
	<-ctx.Done()
	if err := srv.Shutdown(context.Background()); err != nil {
		log.Print(err)
	}
	defer srv.Shutdown(context.Background()) // want RES405
}

func stopUnlessIdle(srv *http.Server) {
	if srv.Addr == "" {
		goto idle
	}
	srv.Shutdown(context.Background()) // want RES405
idle:
	log.Print("stopped")
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	serve(ctx, &http.Server{Addr: ":8080", ReadHeaderTimeout: time.Second})
	stopUnlessIdle(&http.Server{ReadHeaderTimeout: time.Second})
}
