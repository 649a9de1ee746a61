// Package config loads the orders service configuration from a JSON file,
// with secrets taken from the environment.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"time"
)

// Config is the runtime configuration of the orders service.
type Config struct {
	Addr           string        // listen address of the public API
	DatabaseDriver string        // database/sql driver name
	DatabaseDSN    string        // data source name for the driver
	PaymentsURL    string        // base URL of the payment provider
	PaymentsAPIKey string        // from $PAYMENTS_API_KEY, never from the file
	PollInterval   time.Duration // how often the worker looks for pending orders
}

type fileConfig struct {
	Addr           string `json:"addr"`
	DatabaseDriver string `json:"database_driver"`
	DatabaseDSN    string `json:"database_dsn"`
	PaymentsURL    string `json:"payments_url"`
	PollInterval   string `json:"poll_interval"`
}

// Load reads the configuration file at path and applies defaults and
// environment overrides.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	raw := fileConfig{Addr: ":8080", DatabaseDriver: "postgres", PollInterval: "5s"}
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}

	poll, err := time.ParseDuration(raw.PollInterval)
	if err != nil {
		return nil, fmt.Errorf("poll_interval: %w", err)
	}
	cfg := &Config{
		Addr:           raw.Addr,
		DatabaseDriver: raw.DatabaseDriver,
		DatabaseDSN:    raw.DatabaseDSN,
		PaymentsURL:    raw.PaymentsURL,
		PaymentsAPIKey: os.Getenv("PAYMENTS_API_KEY"),
		PollInterval:   poll,
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (c *Config) validate() error {
	var errs []error
	if c.DatabaseDSN == "" {
		errs = append(errs, errors.New("database_dsn is required"))
	}
	if c.PaymentsURL == "" {
		errs = append(errs, errors.New("payments_url is required"))
	}
	if c.PaymentsAPIKey == "" {
		errs = append(errs, errors.New("PAYMENTS_API_KEY is not set"))
	}
	return errors.Join(errs...)
}

// MustLoad is like Load for callers that cannot do anything useful without
// a configuration.
func MustLoad(path string) *Config {
	cfg, err := Load(path)
	if err != nil {
		log.Fatalf("config: %v", err)
	}
	return cfg
}
