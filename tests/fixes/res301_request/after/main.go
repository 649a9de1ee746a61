package main

import (
	"context"
	"fmt"
	"net/http"
)

func fetch(ctx context.Context, client *http.Client, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return client.Do(req)
}

func proxy(w http.ResponseWriter, r *http.Request) {
	out, err := http.NewRequestWithContext(r.Context(), http.MethodGet, "http://backend/", nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	resp, err := http.DefaultClient.Do(out)
	if err == nil {
		resp.Body.Close()
	}
}

func labelled(ctx context.Context, client *http.Client) {
	{
		ctx := "shadowed: not a context"
		req, _ := http.NewRequest(http.MethodGet, "http://example.com/", nil) // want RES301
		fmt.Println(ctx, req != nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	fmt.Println(ctx)
}

func orphan(client *http.Client) {
	req, _ := http.NewRequest(http.MethodGet, "http://example.com/", nil) // want RES301
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
	}
}

func main() {
	http.HandleFunc("/", proxy)
	_, _ = fetch(context.Background(), http.DefaultClient, "http://example.com/")
	labelled(context.Background(), http.DefaultClient)
	orphan(http.DefaultClient)
}
