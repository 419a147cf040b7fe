// Package epoch is cairn's one SOURCE_DATE_EPOCH authority: every timestamp
// cairn writes comes from the value parsed here, so a build does not depend on
// when it ran.
package epoch

import (
	"fmt"
	"os"
	"strconv"
)

// Default is used when SOURCE_DATE_EPOCH is unset: 1980-01-01T00:00:00Z, the
// earliest time FAT and zip can store, so every output format can hold it.
const Default int64 = 315532800

// Parse reads a SOURCE_DATE_EPOCH value: whole seconds since 1970, UTC.
func Parse(s string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("SOURCE_DATE_EPOCH=%q: want whole seconds since 1970-01-01 UTC, e.g. %d", s, Default)
	}
	return v, nil
}

// FromEnv returns $SOURCE_DATE_EPOCH, or Default when it is unset or empty.
func FromEnv() (int64, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return Default, nil
	}
	return Parse(s)
}
