// Package kconfig catches Kconfig's silent drop. A config fragment asks for
// CONFIG_X=y; a dependency of X is off; `make olddefconfig` quietly turns X
// off and the kernel builds, without the driver the board needs. The kernel's
// own merge_config.sh only warns about values it overrides, and nothing
// compares the fragments with the final .config. This package does: it reads
// fragments and .config files, merges fragments as merge_config.sh does
// (in order, the later value wins), and reports every symbol whose final
// value is not the one asked, with the symbol's `depends on` read from the
// Kconfig files and the values its symbols ended up with.
//
// It runs inside the graph, in the helper, after olddefconfig.
package kconfig

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
)

// A Setting is one line of a fragment or .config: CONFIG_NAME=VALUE, or
// "# CONFIG_NAME is not set" (Value "n").
type Setting struct {
	Symbol string // without the CONFIG_ prefix
	Value  string // y, m, n, a number, or a quoted string as written
	// Where says where it was asked: "fragment.cfg:12", or the recipe
	// line of an inline fragment.
	Where string
}

// symbolName reports whether s is a Kconfig symbol name (regexp stays
// out of the helper: it would cost a twentieth of its size).
func symbolName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// parseLine reads "CONFIG_X=V" (set) or "# CONFIG_X is not set" (unset).
func parseLine(line string) (sym, value string, ok bool) {
	if rest, found := strings.CutPrefix(line, "CONFIG_"); found {
		if sym, value, found = strings.Cut(rest, "="); found && symbolName(sym) {
			return sym, value, true
		}
		return "", "", false
	}
	if rest, found := strings.CutPrefix(line, "# CONFIG_"); found {
		if sym, found = strings.CutSuffix(rest, " is not set"); found && symbolName(sym) {
			return sym, "n", true
		}
	}
	return "", "", false
}

// Parse reads a fragment or a .config. name is the file's name for Where
// and for errors; a line that is neither a setting, a comment nor blank is
// an error.
func Parse(r io.Reader, name string) ([]Setting, error) {
	var out []Setting
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		where := fmt.Sprintf("%s:%d", name, n)
		if sym, value, ok := parseLine(line); ok {
			if value == "" {
				return nil, fmt.Errorf("%s: CONFIG_%s has no value (want y, m, n, a number or a quoted string)", where, sym)
			}
			out = append(out, Setting{Symbol: sym, Value: value, Where: where})
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		return nil, fmt.Errorf("%s: %q is not a Kconfig setting (CONFIG_NAME=VALUE or \"# CONFIG_NAME is not set\")", where, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// Merge applies fragments in order, as merge_config.sh does: a later
// setting of a symbol replaces an earlier one.
func Merge(fragments ...[]Setting) map[string]Setting {
	out := map[string]Setting{}
	for _, f := range fragments {
		for _, s := range f {
			out[s.Symbol] = s
		}
	}
	return out
}

// Values is a final .config as symbol -> value; unset symbols are absent.
func Values(settings []Setting) map[string]string {
	out := map[string]string{}
	for _, s := range settings {
		if s.Value != "n" {
			out[s.Symbol] = s.Value
		}
	}
	return out
}

// A Mismatch is a symbol whose final value is not the one asked.
type Mismatch struct {
	Setting
	Got string // the final value; "n" when unset
	// Unknown says no Kconfig file defines the symbol (a typo, or a
	// symbol of another kernel version).
	Unknown bool
	// Depends are the symbol's dependencies as Kconfig writes them, each
	// with the final values of the symbols it names, e.g.
	// "PCI && BLOCK (PCI=n, BLOCK=y)"; only those that are not met when
	// that can be told.
	Depends []string
	// SelectedBy are the symbols that turn it on (SYMBOL=VALUE) when it
	// was asked off.
	SelectedBy []string
}

func (m Mismatch) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "CONFIG_%s: asked %s at %s, got %s", m.Symbol, m.Value, m.Where, m.Got)
	switch {
	case m.Unknown:
		b.WriteString(": no Kconfig file defines it (misspelled, or not in this kernel version)")
	case len(m.Depends) > 0:
		b.WriteString(": unmet depends on " + strings.Join(m.Depends, "; "))
	case len(m.SelectedBy) > 0:
		b.WriteString(": selected by " + strings.Join(m.SelectedBy, ", "))
	}
	return b.String()
}

// Check compares what the merged fragments asked with the final .config.
// kc, when not nil, says which symbols exist and what they depend on.
func Check(asked map[string]Setting, final map[string]string, kc *Kconfig) []Mismatch {
	var out []Mismatch
	for _, sym := range sortedKeys(asked) {
		s := asked[sym]
		got, ok := final[sym]
		if !ok {
			got = "n"
		}
		if got == s.Value {
			continue
		}
		m := Mismatch{Setting: s, Got: got}
		if kc != nil {
			if !kc.Defines(sym) {
				m.Unknown = true
			} else if m.Depends = kc.Unmet(sym, final); s.Value == "n" {
				m.SelectedBy = kc.SelectedBy(sym, final)
			}
		}
		out = append(out, m)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
