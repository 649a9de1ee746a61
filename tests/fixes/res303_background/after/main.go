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

func main() {
	_, _ = fetch(context.Background(), http.DefaultClient, "http://example.com/")
}
