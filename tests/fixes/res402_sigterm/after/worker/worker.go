// Package worker has a file with a single import to turn into a block.
package worker

import "context"

// Run waits for the context.
func Run(ctx context.Context, _ any) {
	<-ctx.Done()
}
