package main

import (
	"errors"
	"strconv"
)

// sourceDateEpoch is the reproducible-builds variable giving the default
// epoch.
const sourceDateEpoch = "SOURCE_DATE_EPOCH"

// epochFlag is the --epoch flag; it remembers whether it was given.
type epochFlag struct {
	value int64
	set   bool
}

// String returns the value in decimal.
func (f *epochFlag) String() string { return strconv.FormatInt(f.value, 10) }

// Set parses a non-negative decimal number of seconds.
func (f *epochFlag) Set(s string) error {
	v, err := parseEpoch(s)
	f.value, f.set = v, err == nil
	return err
}

// resolve returns the flag's value if given, else $SOURCE_DATE_EPOCH if
// set and non-empty, else 0.
func (f *epochFlag) resolve(lookup func(string) (string, bool)) (int64, error) {
	if f.set {
		return f.value, nil
	}
	s, ok := lookup(sourceDateEpoch)
	if !ok || s == "" {
		return 0, nil
	}
	v, err := parseEpoch(s)
	if err != nil {
		return 0, errEpoch(sourceDateEpoch, err)
	}
	return v, nil
}

// parseEpoch parses a non-negative decimal number of seconds.
func parseEpoch(s string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, err
	}
	if v < 0 {
		return 0, errors.New("epoch must not be negative")
	}
	return v, nil
}
