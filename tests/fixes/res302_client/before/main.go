package main

import (
	"fmt"
	"net/http"
	"time"
)

var client = &http.Client{
	Transport: http.DefaultTransport,
}

func main() {
	other := http.Client{}
	fmt.Println(client, other.Timeout > time.Minute)
}
