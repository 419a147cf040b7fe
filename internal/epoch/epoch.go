// Package epoch is cairn's one SOURCE_DATE_EPOCH authority: every timestamp
// cairn writes comes from an Epoch parsed here, so a build does not depend on
// when it ran. The host side (CLI, frontend) parses it from the environment
// or a build argument; the in-graph helper receives it inside its typed
// request (internal/ingraph/request); both go through Parse, so there is one
// default and one rule for what is valid.
package epoch

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Epoch is a SOURCE_DATE_EPOCH: whole seconds since 1970-01-01 UTC, never
// negative.
type Epoch int64

// Default is used when SOURCE_DATE_EPOCH is unset: 1980-01-01T00:00:00Z, the
// earliest time FAT and zip can store, so every output format can hold it.
const Default Epoch = 315532800

// Parse reads a SOURCE_DATE_EPOCH value.
func Parse(s string) (Epoch, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("SOURCE_DATE_EPOCH=%q: want whole seconds since 1970-01-01 UTC, e.g. %d", s, Default)
	}
	return Epoch(v), nil
}

// FromEnv returns $SOURCE_DATE_EPOCH, or Default when it is unset or empty.
func FromEnv() (Epoch, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return Default, nil
	}
	return Parse(s)
}

// Time is the epoch as a UTC time.
func (e Epoch) Time() time.Time { return time.Unix(int64(e), 0).UTC() }

// Unix is the epoch in seconds.
func (e Epoch) Unix() int64 { return int64(e) }

// String is the decimal value, as SOURCE_DATE_EPOCH is written.
func (e Epoch) String() string { return strconv.FormatInt(int64(e), 10) }

// UnmarshalJSON accepts a JSON number and applies Parse's rule.
func (e *Epoch) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("SOURCE_DATE_EPOCH: %w", err)
	}
	v, err := Parse(n.String())
	if err != nil {
		return err
	}
	*e = v
	return nil
}

// WriteFile writes data to path (mode 0644) through a temporary file
// renamed into place, its time the epoch: a step's output is whole or
// absent, and its mtime reproducible.
func (e Epoch) WriteFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	err := os.WriteFile(tmp, data, 0o644)
	if err == nil {
		err = os.Chtimes(tmp, e.Time(), e.Time())
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
