package main

import (
	"log"
	"net/http"
)

func main() {
	mux := http.NewServeMux()
	admin := &http.Server{Addr: "127.0.0.1:9090"}
	srv := &http.Server{
		Addr:    ":8080",
		Handler: mux, // the API
	}
	var empty http.Server
	empty = http.Server{}
	go func() { log.Fatal(admin.ListenAndServe()) }()
	go func() { log.Fatal(empty.ListenAndServe()) }()
	go func() { log.Fatal(adminServer().ListenAndServe()) }()
	log.Fatal(srv.ListenAndServe())
}
