package main

import "net/http"

func adminServer() *http.Server {
	return &http.Server{Addr: "127.0.0.1:9091"}
}
