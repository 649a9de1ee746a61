package main

import (
	"fmt"
	"os"
	"os/signal"
	sys "syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, sys.SIGQUIT)
	fmt.Println(<-c, sys.Getpid())
}
