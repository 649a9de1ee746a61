package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"time"

	"example.com/fixes/res402_sigterm/worker"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	worker.Run(ctx, time.Second)
	fmt.Println("bye")
}
