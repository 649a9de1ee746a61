package main

import (
	"fmt"
	"os"
	"os/signal"
)

// syscall is a package-level name: importing package syscall here would not compile.
var syscall = "taken"

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt) // want RES402
	fmt.Println(<-c, syscall)
}
