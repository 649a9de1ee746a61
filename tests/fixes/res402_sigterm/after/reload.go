package main

import (
	"os"
	"os/signal"
	"syscall"
)

func quit() chan os.Signal {
	c := make(chan os.Signal, 1)
	signal.Notify(c,
		os.Interrupt, syscall.SIGTERM,
	)
	return c
}
