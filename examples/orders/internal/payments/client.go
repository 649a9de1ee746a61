// Package payments is a small client for the payment provider's REST API.
package payments

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Client talks to the payment provider.
type Client struct {
	baseURL string
	apiKey  string
	hc      *http.Client
}

// New returns a client for the provider at baseURL.
func New(baseURL, apiKey string) *Client {
	return &Client{
		baseURL: strings.TrimRight(baseURL, "/"),
		apiKey:  apiKey,
		hc:      &http.Client{Timeout: 10 * time.Second},
	}
}

// Charge captures the payment for an order.
func (c *Client) Charge(ctx context.Context, orderID string, amountCents int64) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/v1/charges", payload(orderID, amountCents))
	if err != nil {
		return err
	}
	return c.do(req)
}

// Refund gives the money for a cancelled order back to the customer.
func (c *Client) Refund(ctx context.Context, orderID string, amountCents int64) error {
	req, err := http.NewRequest(http.MethodPost, c.baseURL+"/v1/refunds", payload(orderID, amountCents))
	if err != nil {
		return err
	}
	return c.do(req)
}

// CheckCredentials verifies at startup that the API key is accepted.
func (c *Client) CheckCredentials() error {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, c.baseURL+"/v1/account", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("payments: credentials rejected: %s", resp.Status)
	}
	return nil
}

func (c *Client) do(req *http.Request) error {
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("payments: %s %s: %s", req.Method, req.URL.Path, resp.Status)
	}
	return nil
}

func payload(orderID string, amountCents int64) io.Reader {
	body, _ := json.Marshal(map[string]any{
		"order_id":     orderID,
		"amount_cents": amountCents,
		"currency":     "EUR",
	})
	return bytes.NewReader(body)
}
