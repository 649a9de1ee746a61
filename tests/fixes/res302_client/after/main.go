package main

import (
	"fmt"
	"net/http"
	"time"
)

var client = &http.Client{
	Transport: http.DefaultTransport,

	Timeout: 30 * time.Second,
}

func main() {
	other := http.Client{Timeout: 30 * time.Second}
	fmt.Println(client, other.Timeout > time.Minute)
}
