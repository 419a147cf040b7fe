package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/cairn-build/cairn/lang"
)

// Ctrl-C and SIGTERM cancel the command's context, with the signal as the
// cause: evaluation stops at its next Starlark step, solves are cancelled
// in the engine, temporaries are discarded, and cairn exits with 128 plus
// the signal's number (130, 143) as shells do. A second signal exits at
// once.

// interrupted is the cause of a context cancelled by a signal.
type interrupted struct{ sig syscall.Signal }

func (i *interrupted) Error() string { return "interrupted by " + signalName(i.sig) }

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// Run runs cairn with args as Main does, under a context that SIGINT and
// SIGTERM cancel, and returns the process exit code.
func Run(args []string, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		s := (<-sigs).(syscall.Signal)
		cancel(&interrupted{s})
		s = (<-sigs).(syscall.Signal)
		fmt.Fprintf(stderr, "cairn: %s again, exiting without cleaning up\n", signalName(s))
		os.Exit(128 + int(s))
	}()
	return Main(ctx, args, stdout, stderr)
}

// interruptedBy returns the signal that cancelled ctx, if one did.
func interruptedBy(ctx context.Context) (*interrupted, bool) {
	var i *interrupted
	if ctx.Err() == nil || !errors.As(context.Cause(ctx), &i) {
		return nil, false
	}
	return i, true
}

// reportInterrupt writes what an interrupted command was doing and
// returns its exit code.
func reportInterrupt(w io.Writer, i *interrupted, err error) int {
	fmt.Fprintf(w, "cairn: %s; stopped\n", i)
	var where lang.ErrorList
	if errors.As(err, &where) {
		fmt.Fprintln(w, where)
	}
	return 128 + int(i.sig)
}
