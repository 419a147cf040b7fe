package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/cairn-build/cairn/internal/host/engine"
)

// Exit codes: 1 for a recipe or build failure, 2 for a setup problem the
// user fixes outside the recipe (engine, runc, binfmt) and for bad usage.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// usageError is a bad command line; printed is set when the flag package
// has already shown it with the usage text.
type usageError struct {
	msg     string
	printed bool
}

func (e *usageError) Error() string { return e.msg }

func errUsage(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// reported marks an error whose message was already written in full.
type reported struct{ err error }

func (r *reported) Error() string { return r.err.Error() }
func (r *reported) Unwrap() error { return r.err }

func report(w io.Writer, err error) int {
	if err == nil || isHelp(err) {
		return exitOK
	}
	var setup *engine.SetupError
	var use *usageError
	var done *reported
	switch {
	case errors.As(err, &done):
	case errors.As(err, &use) && use.printed:
	case errors.As(err, &setup):
		fmt.Fprintf(w, "cairn: %s\n", err)
	default:
		fmt.Fprintln(w, err)
	}
	switch {
	case errors.As(err, &setup), errors.As(err, &use):
		return exitUsage
	}
	return exitFail
}
