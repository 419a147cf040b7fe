package request

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/cairn-build/cairn/internal/epoch"
)

// Request is one helper invocation.
type Request interface {
	// Command is the helper subcommand that serves the request.
	Command() string
	// Check reports a request the helper cannot serve.
	Check() error
}

// Flag is the helper flag whose value is the request.
const Flag = "--request"

// maxArg is the longest request Args writes: Linux refuses to exec a
// command line with one argument of 128 KiB or more (MAX_ARG_STRLEN).
const maxArg = 128<<10 - 1

// Args returns the helper's command line for r: the helper's path, r's
// command, Flag and r as JSON.
func Args(helper string, r Request) ([]string, error) {
	data, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("%s request: %w", r.Command(), err)
	}
	if len(data) > maxArg {
		return nil, errTooLong(r.Command(), len(data))
	}
	return []string{helper, r.Command(), Flag, string(data)}, nil
}

// Decode reads the JSON of a request into r, a pointer to a request type,
// strictly: an unknown field, a malformed value or trailing data is an
// error. A request with an epoch written without one (by hand) gets
// $SOURCE_DATE_EPOCH or epoch.Default, through epoch.FromEnv. Decode then
// runs r.Check.
func Decode(data string, r Request) error {
	if err := defaultEpoch(data, r); err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(r); err != nil {
		return fmt.Errorf("%s request: %w", r.Command(), err)
	}
	if dec.More() {
		return fmt.Errorf("%s request: trailing data after the JSON object", r.Command())
	}
	return r.Check()
}

// stamped is a request that carries an epoch.
type stamped interface {
	stamp() *epoch.Epoch
}

// defaultEpoch sets a stamped request's epoch from the environment when
// the JSON has none.
func defaultEpoch(data string, r Request) error {
	s, ok := r.(stamped)
	if !ok {
		return nil
	}
	var probe struct {
		Epoch json.RawMessage `json:"epoch"`
	}
	if json.Unmarshal([]byte(data), &probe) != nil || len(bytes.TrimSpace(probe.Epoch)) > 0 {
		return nil // the strict decode reports a malformed request
	}
	e, err := epoch.FromEnv()
	if err != nil {
		return fmt.Errorf("%s request has no epoch: %w", r.Command(), err)
	}
	*s.stamp() = e
	return nil
}

// required reports the first of the named fields that is empty.
func required(cmd string, fields ...string) error {
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i+1] == "" {
			return fmt.Errorf("%s request: %s is required", cmd, fields[i])
		}
	}
	return nil
}

// nonNegative reports a negative size or offset.
func nonNegative(cmd, field string, n int64) error {
	if n < 0 {
		return fmt.Errorf("%s request: %s must not be negative", cmd, field)
	}
	return nil
}

// oneOf reports a value outside its list.
func oneOf(cmd, field, v string, allowed []string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("%s request: %s %q: want %s", cmd, field, v, orList(allowed))
}

// orList spells a list as "a, b or c".
func orList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// outside rejects an output inside the tree being read, which would
// otherwise be read half-written.
func outside(cmd, src, out string) error {
	absSrc, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(absSrc, absOut)
	if err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
		return fmt.Errorf("%s request: output %s is inside source directory %s", cmd, out, src)
	}
	return nil
}

// errTooLong reports a request too long for one exec argument.
func errTooLong(cmd string, n int) error {
	return fmt.Errorf("%s request is %d bytes of JSON, over the %d bytes Linux allows in one argument: split the step", cmd, n, maxArg)
}
