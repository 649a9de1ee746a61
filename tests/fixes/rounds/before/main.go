package main

import (
	"log"
	"net/http"
	"os"
	"os/signal"
)

func main() {
	srv := &http.Server{Addr: ":8080"}
	go func() { log.Fatal(srv.ListenAndServe()) }()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	<-sigs
}
