package main

import (
	"net/http"
	"time"
)

func adminServer() *http.Server {
	return &http.Server{Addr: "127.0.0.1:9091", ReadHeaderTimeout: 10 * time.Second}
}
