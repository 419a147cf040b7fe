package main

import "fmt"

// usageError is a mistake in the command line; it exits with status 2.
type usageError struct{ err error }

// Error returns the message.
func (e *usageError) Error() string { return e.err.Error() }

// Unwrap returns the cause.
func (e *usageError) Unwrap() error { return e.err }

// usageErrorf returns a usage error with a formatted message.
func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// errEpoch reports an invalid epoch value from source.
func errEpoch(source string, err error) error {
	return fmt.Errorf("invalid epoch from %s: %w", source, err)
}

// errOutInsideSrc reports an output file that would be archived into
// itself.
func errOutInsideSrc(out, src string) error {
	return usageErrorf("output %s is inside source directory %s", out, src)
}

// errWrite adds the output path to a write failure.
func errWrite(path string, err error) error {
	return fmt.Errorf("write %s: %w", path, err)
}
