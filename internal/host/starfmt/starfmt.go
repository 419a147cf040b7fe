// Package starfmt formats and lints recipes as buildifier does, with the
// bazelbuild/buildtools packages buildifier is made of: one style for
// every .star file, the one Starlark users already know, and the lints
// that are about Starlark rather than Bazel.
package starfmt

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/bazelbuild/buildtools/build"
	"github.com/bazelbuild/buildtools/warn"
)

// Format returns data formatted as buildifier formats a .star file.
func Format(name string, data []byte) ([]byte, error) {
	f, err := build.ParseDefault(name, data)
	if err != nil {
		return nil, err
	}
	return build.Format(f), nil
}

// Formatted says whether data is already formatted.
func Formatted(name string, data []byte) (bool, error) {
	out, err := Format(name, data)
	return err == nil && bytes.Equal(out, data), err
}

// Lints are buildifier's warnings that apply to any Starlark dialect
// (the rest are about Bazel's rules, BUILD files and native modules).
var Lints = []string{
	"confusing-name", "dict-concatenation", "dict-method-named-arg", "integer-division",
	"keyword-positional-params", "list-append", "load", "load-on-top", "name-conventions",
	"no-effect", "out-of-order-load", "redefined-variable", "return-value", "same-origin-load",
	"string-escape", "string-iteration", "uninitialized", "unreachable", "unused-variable",
}

// Finding is one lint finding.
type Finding struct {
	Line, Col int
	Category  string
	Message   string
	URL       string
}

func (f Finding) String() string {
	return fmt.Sprintf("%d:%d: %s: %s (%s)", f.Line, f.Col, f.Category, f.Message, f.URL)
}

// Lint returns the findings of Lints in data, in order.
func Lint(name string, data []byte) ([]Finding, error) {
	f, err := build.ParseDefault(name, data)
	if err != nil {
		return nil, err
	}
	var enabled []string
	for _, w := range Lints {
		if slices.Contains(warn.AllWarnings, w) {
			enabled = append(enabled, w)
		}
	}
	var out []Finding
	for _, w := range warn.FileWarnings(f, enabled, nil, warn.ModeWarn, nil) {
		out = append(out, Finding{Line: w.Start.Line, Col: w.Start.LineRune, Category: w.Category, Message: w.Message, URL: w.URL})
	}
	return out, nil
}
