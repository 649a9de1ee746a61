package main

import (
	"context"
	"net/http"
)

func fetch(ctx context.Context, client *http.Client, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return client.Do(req)
}

func detach(w http.ResponseWriter, r *http.Request) {
	quiet := r.WithContext(context.Background()) // want RES303
	w.Header().Set("X-Detached", quiet.Method)
}

func main() {
	http.HandleFunc("/", detach)
	_, _ = fetch(context.Background(), http.DefaultClient, "http://example.com/")
}
