package resolve

import (
	"errors"
	"strings"
	"testing"
)

func TestUnsatisfiedChain(t *testing.T) {
	u := universe(
		mk(t, "openssh-server", "1:9.2p1-2", "Depends: openssh-sftp-server, libc6"),
		mk(t, "openssh-sftp-server", "1:9.2p1-2", "Depends: libssl3 (>= 3.0.9)"),
		mk(t, "libc6", "2.36-9"),
		mk(t, "libssl3", "3.0.8-1"),
	)
	err := resolveErr(t, u, Request{Install: []string{"openssh-server"}})
	want := "openssh-server -> openssh-sftp-server -> libssl3 (>= 3.0.9): " +
		"not in test main amd64; candidates: libssl3=3.0.8-1"
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
	var ue *UnsatisfiedError
	if !errors.As(err, &ue) || len(ue.Chain) != 3 || ue.Relation.String() != "libssl3 (>= 3.0.9)" ||
		ue.Repo != testRepo {
		t.Errorf("fields: %+v", ue)
	}
}

func TestUnsatisfiedOlderVersion(t *testing.T) {
	u := universe(mk(t, "a", "1", "Depends: b (<< 2)"), mk(t, "b", "1"), mk(t, "b", "2"))
	err := resolveErr(t, u, Request{Install: []string{"a"}})
	want := "a -> b (<< 2): only the candidate b=2 is considered; request b=VERSION to use another; candidates: b=2, b=1"
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
	if got := resolveOK(t, u, Request{Install: []string{"a", "b=1"}}); got != "a=1 b=1" {
		t.Errorf("with b=1 pinned: %s", got)
	}
}

func TestDidYouMean(t *testing.T) {
	u := universe(mk(t, "libssl3", "3.0.8-1"), mk(t, "libssl-dev", "3.0.8-1"),
		mk(t, "mawk", "1.3.4", "Provides: awk"), mk(t, "x", "1", "Depends: libsssl3 | aw"))
	cases := map[string]string{
		"libsssl3": "libsssl3: no package or provider named libsssl3; did you mean libssl3?",
		"zzz":      "zzz: no package or provider named zzz",
		"x":        "x -> libsssl3 | aw: libsssl3: no package or provider named libsssl3; aw: no package or provider named aw",
		"awj":      "awj: no package or provider named awj; did you mean awk?",
	}
	for req, want := range cases {
		if err := resolveErr(t, u, Request{Install: []string{req}}); err.Error() != want {
			t.Errorf("%s:\ngot  %s\nwant %s", req, err, want)
		}
	}
}

func TestVersionedProvides(t *testing.T) {
	u := universe(
		mk(t, "a", "1", "Depends: x (>= 2)"),
		mk(t, "p1", "1", "Provides: x (= 1)"),
		mk(t, "p2", "1", "Provides: x (= 3)"),
		mk(t, "p3", "1", "Provides: x"),
		mk(t, "b", "1", "Depends: x"),
	)
	if got := resolveOK(t, u, Request{Install: []string{"a"}}); got != "a=1 p2=1" {
		t.Errorf("versioned: %s", got)
	}
	// An unversioned Provides satisfies an unversioned relation only.
	if got := resolveOK(t, u, Request{Install: []string{"p3", "a", "b"}}); got != "a=1 b=1 p2=1 p3=1" {
		t.Errorf("p3 selected first: %s", got)
	}
	if got := resolveOK(t, u, Request{Install: []string{"p1", "b"}}); got != "b=1 p1=1" {
		t.Errorf("b satisfied by p1: %s", got)
	}
}

func TestProviderPreference(t *testing.T) {
	u := universe(
		mk(t, "want-mta", "1", "Depends: mta"),
		mk(t, "zz-ess", "1", "Provides: mta", "Essential: yes", "Priority: optional"),
		mk(t, "aa-req", "1", "Provides: mta", "Priority: required"),
		mk(t, "ab-opt", "1", "Provides: mta", "Priority: optional"),
		mk(t, "want-awk", "1", "Depends: awk"),
		mk(t, "mawk", "1", "Provides: awk", "Priority: required"),
		mk(t, "gawk", "1", "Provides: awk", "Priority: optional"),
		mk(t, "want-x", "1", "Depends: x"),
		mk(t, "x2", "1", "Provides: x", "Priority: optional"),
		mk(t, "x1", "1", "Provides: x", "Priority: optional"),
		mk(t, "x", "1", "Priority: extra"),
	)
	for req, want := range map[string]string{
		"want-mta": "want-mta=1 zz-ess=1", // Essential first
		"want-awk": "mawk=1 want-awk=1",   // then Priority
		"want-x":   "want-x=1 x=1",        // the real package before providers
	} {
		if got := resolveOK(t, u, Request{Install: []string{req}}); got != want {
			t.Errorf("%s: got %s, want %s", req, got, want)
		}
	}
	// An already selected provider satisfies the relation.
	if got := resolveOK(t, u, Request{Install: []string{"gawk", "want-awk"}}); got != "gawk=1 want-awk=1" {
		t.Errorf("selected provider: %s", got)
	}
	// Same rank: like apt, the provider its cache would meet last in an
	// index sorted by source; here b.
	u = universe(mk(t, "w", "1", "Depends: v"), mk(t, "b", "1", "Provides: v"), mk(t, "a", "1", "Provides: v"))
	if got := resolveOK(t, u, Request{Install: []string{"w"}}); got != "b=1 w=1" {
		t.Errorf("tie: %s", got)
	}
	// A name mentioned early (as a dependency of a package sorted first)
	// has a low id and loses the tie.
	u = universe(mk(t, "a", "1", "Depends: z"), mk(t, "z", "1", "Provides: v"), mk(t, "c", "1", "Provides: v"),
		mk(t, "w", "1", "Depends: v"))
	if got := resolveOK(t, u, Request{Install: []string{"w"}}); got != "c=1 w=1" {
		t.Errorf("tie after an early mention: %s", got)
	}
}

func TestAlternativesFirstUnsatisfiable(t *testing.T) {
	u := universe(
		mk(t, "a", "1", "Depends: missing | b (>= 2) | c | d"),
		mk(t, "b", "1"),
		mk(t, "c", "1", "Depends: nothing-at-all"),
		mk(t, "d", "1", "Depends: e"),
		mk(t, "e", "1"),
	)
	if got := resolveOK(t, u, Request{Install: []string{"a"}}); got != "a=1 d=1 e=1" {
		t.Errorf("got %s", got)
	}
	// A solution failing deeper is undone before the next is tried.
	u = universe(
		mk(t, "a", "1", "Depends: b | c"),
		mk(t, "b", "1", "Depends: b1, b2"),
		mk(t, "b1", "1"),
		mk(t, "b2", "1", "Depends: gone"),
		mk(t, "c", "1"),
	)
	if got := resolveOK(t, u, Request{Install: []string{"a"}}); got != "a=1 c=1" {
		t.Errorf("deep failure: %s", got)
	}
}

func TestConflictBacktracking(t *testing.T) {
	u := universe(
		mk(t, "a", "1", "Depends: x | y, z"),
		mk(t, "x", "1"),
		mk(t, "y", "1"),
		mk(t, "z", "1", "Conflicts: x"),
	)
	if got := resolveOK(t, u, Request{Install: []string{"a"}}); got != "a=1 y=1 z=1" {
		t.Errorf("conflicts: %s", got)
	}
	u = universe(
		mk(t, "a", "1", "Depends: x | y, z"),
		mk(t, "x", "1", "Breaks: z (<< 2)"),
		mk(t, "y", "1"),
		mk(t, "z", "1"),
	)
	if got := resolveOK(t, u, Request{Install: []string{"a"}}); got != "a=1 y=1 z=1" {
		t.Errorf("breaks in the other direction: %s", got)
	}
	// The next solution is tried directly when the conflicting package is
	// already there.
	u = universe(mk(t, "a", "1", "Depends: x | y"), mk(t, "x", "1", "Conflicts: s"), mk(t, "y", "1"), mk(t, "s", "1"))
	if got := resolveOK(t, u, Request{Install: []string{"s", "a"}}); got != "a=1 s=1 y=1" {
		t.Errorf("with s requested: %s", got)
	}
}

// TestLaterWins checks apt's preference for the package it meets later
// when it conflicts with an earlier choice among alternatives.
func TestLaterWins(t *testing.T) {
	u := universe(
		mk(t, "a", "1", "Depends: x | y, q | r", "Recommends: s"),
		mk(t, "x", "1"), mk(t, "y", "1"), mk(t, "r", "1"),
		mk(t, "q", "1", "Conflicts: x"),
		mk(t, "s", "1", "Breaks: y"),
		mk(t, "b", "1", "Depends: x | y, q | r"),
		mk(t, "x2", "1"), mk(t, "y2", "1", "Depends: gone"),
		mk(t, "c", "1", "Depends: x2 | y2, q2 | r"), mk(t, "q2", "1", "Conflicts: x2"),
	)
	for _, c := range []struct {
		req  Request
		want string
	}{
		{Request{Install: []string{"b"}}, "b=1 q=1 y=1"},
		// q displaces x, then s would displace y, but banning both leaves
		// a's first clause without a solution: the last closure that
		// worked stays, without the recommended s.
		{Request{Install: []string{"a"}, Recommends: true}, "a=1 q=1 y=1"},
		// Banning x2 leaves y2, which cannot be installed: the first
		// closure stays.
		{Request{Install: []string{"c"}}, "c=1 r=1 x2=1"},
	} {
		if got := resolveOK(t, u, c.req); got != c.want {
			t.Errorf("%v: got %s, want %s", c.req.Install, got, c.want)
		}
	}
}

func TestConflictError(t *testing.T) {
	u := universe(
		mk(t, "a", "1", "Conflicts: b (<< 2)"),
		mk(t, "x", "1", "Depends: b"),
		mk(t, "b", "1"),
	)
	err := resolveErr(t, u, Request{Install: []string{"x", "a"}})
	want := "a=1 conflicts with b (<< 2) installed as b=1 (pulled by: x -> b)"
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
	err = resolveErr(t, u, Request{Install: []string{"a", "b"}})
	want = "a=1 conflicts with b (<< 2) installed as b=1 (requested)"
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.Field != "Conflicts" || ce.Other.Name != "b" {
		t.Errorf("fields: %+v", ce)
	}
}

func TestSelfConflict(t *testing.T) {
	u := universe(
		mk(t, "mawk", "1", "Provides: awk", "Conflicts: awk, mawk"),
		mk(t, "gawk", "1", "Provides: awk", "Conflicts: awk"),
		mk(t, "w", "1", "Depends: awk"),
	)
	if got := resolveOK(t, u, Request{Install: []string{"mawk", "w"}}); got != "mawk=1 w=1" {
		t.Errorf("got %s", got)
	}
	err := resolveErr(t, u, Request{Install: []string{"mawk", "gawk"}})
	if !strings.Contains(err.Error(), "conflicts with awk") {
		t.Errorf("virtual conflict: %v", err)
	}
}

func TestPin(t *testing.T) {
	u := universe(
		mk(t, "a", "1", "Depends: b (>= 2)"),
		mk(t, "b", "1"), mk(t, "b", "2"), mk(t, "b", "3"),
	)
	if got := resolveOK(t, u, Request{Install: []string{"b=2", "a"}}); got != "a=1 b=2" {
		t.Errorf("pinned: %s", got)
	}
	err := resolveErr(t, u, Request{Install: []string{"b=1", "a"}})
	if want := "a -> b (>= 2): only the candidate b=1 is considered"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("pinned too low: %v", err)
	}
	err = resolveErr(t, u, Request{Install: []string{"b=9"}})
	if want := "b (= 9): not in test main amd64; candidates: b=3, b=2, b=1"; err.Error() != want {
		t.Errorf("missing version:\ngot  %s\nwant %s", err, want)
	}
	err = resolveErr(t, u, Request{Install: []string{"b=1", "b=2"}})
	if !strings.Contains(err.Error(), "requested twice") {
		t.Errorf("twice: %v", err)
	}
}
