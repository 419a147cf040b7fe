// Command hello is the static program the integration tests run inside
// BuildKit: it proves a step ran, and on which architecture (a foreign one
// runs under qemu-user). It writes "hello from GOOS/GOARCH args=[...]" to the
// file named by its first argument; with the argument --fail it prints a
// message to stderr and exits 3 instead, so the tests can watch a failure.
package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: hello OUTFILE [ARGS...]")
		os.Exit(2)
	}
	if slices.Contains(os.Args[1:], "--fail") {
		fmt.Fprintln(os.Stderr, "boom: deliberate failure")
		os.Exit(3)
	}
	msg := fmt.Sprintf("hello from %s/%s args=%v\n", runtime.GOOS, runtime.GOARCH, os.Args[2:])
	if err := os.WriteFile(os.Args[1], []byte(msg), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
