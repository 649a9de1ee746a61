package main

import (
	"log"
	"net/http"
	"time"
)

func main() {
	mux := http.NewServeMux()
	admin := &http.Server{Addr: "127.0.0.1:9090", ReadHeaderTimeout: 10 * time.Second}
	srv := &http.Server{
		Addr:    ":8080",
		Handler: mux, // the API

		ReadHeaderTimeout: 10 * time.Second,
	}
	var empty http.Server
	empty = http.Server{ReadHeaderTimeout: 10 * time.Second}
	go func() { log.Fatal(admin.ListenAndServe()) }()
	go func() { log.Fatal(empty.ListenAndServe()) }()
	go func() { log.Fatal(adminServer().ListenAndServe()) }()
	log.Fatal(srv.ListenAndServe())
}
