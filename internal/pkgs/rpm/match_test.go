package rpm

import (
	"strings"
	"testing"
)

func TestOverlap(t *testing.T) {
	for _, c := range []struct {
		provide, require string
		want             bool
	}{
		{"foo", "foo >= 2", true},
		{"foo = 2-1", "foo", true},
		{"foo = 2-1", "foo >= 2", true},
		{"foo = 2-1", "foo > 2", false},
		{"foo = 2-1", "foo > 2-0", true},
		{"foo = 2-1", "foo = 2", true}, // no release asked: any release
		{"foo = 2-1", "foo = 2-2", false},
		{"foo = 1:1", "foo >= 2", true}, // the epoch wins
		{"foo = 2~rc1", "foo >= 2", false},
		{"foo < 3", "foo > 2", true},
		{"foo < 2", "foo > 2", false},
		{"foo <= 2", "foo >= 2", true},
		{"foo > 2", "foo < 2", false},
		{"bar = 2", "foo", false},
	} {
		p, err1 := ParseDep(c.provide)
		r, err2 := ParseDep(c.require)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if got := Overlap(p, r); got != c.want {
			t.Errorf("Overlap(%s, %s) = %v, want %v", c.provide, c.require, got, c.want)
		}
	}
}

func TestParseRich(t *testing.T) {
	for _, s := range []string{
		"(a or b)", "(a and b and c)", "(a if b)", "(a if b else c)", "(a unless b else c)",
		"(a with b)", "(a without b)", "(greet(api) >= 2 or (b and c))", "((a or b) and c)", "(a)",
	} {
		if _, err := parseRich(s); err != nil {
			t.Errorf("parseRich(%q): %v", s, err)
		}
	}
	for _, s := range []string{"(a or)", "(a and b or c)", "(a if b else c else d)", "(a", "(a b c d)", "(a or b) c", "(and a)"} {
		if _, err := parseRich(s); err == nil || !strings.Contains(err.Error(), "rich dependency") {
			t.Errorf("parseRich(%q) = %v, want an error", s, err)
		}
	}
	if _, err := ParseDep("foo >> 2"); err == nil {
		t.Error(`ParseDep("foo >> 2") accepted`)
	}
}

// TestConditionAsTheSetStands: "(A if B else C)" follows B as the set is
// when the requirement is met (libsolv may also meet it with B and A).
func TestConditionAsTheSetStands(t *testing.T) {
	dep := func(s string) Dep { d, _ := ParseDep(s); return d }
	pkgs := []Package{
		{Name: "user", Arch: "noarch", EVR: EVR{Version: "1", Release: "1"}, Requires: []Dep{dep("(rival if hello else docs)")}},
		{Name: "hello", Arch: "noarch", EVR: EVR{Version: "1", Release: "1"}},
		{Name: "rival", Arch: "noarch", EVR: EVR{Version: "1", Release: "1"}},
		{Name: "docs", Arch: "noarch", EVR: EVR{Version: "1", Release: "1"}},
	}
	u := NewUniverse(pkgs, "x86_64")
	for req, want := range map[string]string{"user": "docs user", "hello user": "hello rival user"} {
		got, err := u.Resolve(strings.Fields(req))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range got {
			names = append(names, p.Name)
		}
		if strings.Join(names, " ") != want {
			t.Errorf("Resolve(%s) = %v, want %s", req, names, want)
		}
	}
}
