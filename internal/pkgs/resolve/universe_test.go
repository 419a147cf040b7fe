package resolve

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
)

func TestCandidate(t *testing.T) {
	u := universe(
		mk(t, "a", "1"), mk(t, "a", "1:0.5"), mk(t, "a", "2~rc1"),
		mk(t, "b", "1", "Repo: z-updates"), mk(t, "b", "1", "Repo: a-main"),
		mk(t, "c", "9", "Architecture: arm64"), mk(t, "c", "1", "Architecture: all"),
		mk(t, "d", "1", "Architecture: arm64"),
	)
	for name, want := range map[string]string{"a": "a=1:0.5", "b": "b=1", "c": "c=1"} {
		if p := u.Candidate(name); p == nil || nameVersion(p) != want {
			t.Errorf("Candidate(%s) = %v, want %s", name, p, want)
		}
	}
	if p := u.Candidate("b"); p.Repo != "a-main" {
		t.Errorf("equal versions: got repo %s", p.Repo)
	}
	if u.Candidate("d") != nil || u.Candidate("nope") != nil {
		t.Error("foreign-arch or unknown names must have no candidate")
	}
}

func TestArchQualifiers(t *testing.T) {
	u := universe(
		mk(t, "python3", "3.11", "Multi-Arch: allowed"),
		mk(t, "perl", "5.36"),
		mk(t, "p-any", "1", "Depends: python3:any (>= 3.11)"),
		mk(t, "perl-any", "1", "Depends: perl:any"),
		mk(t, "virt-any", "1", "Depends: pyvirt:any"),
		mk(t, "pyprov", "1", "Multi-Arch: allowed", "Provides: pyvirt"),
		mk(t, "native", "1", "Depends: perl:native, python3:amd64"),
		mk(t, "foreign", "1", "Depends: perl:arm64"),
		mk(t, "tool", "1", "Architecture: all", "Depends: perl"),
		mk(t, "make", "4", "Multi-Arch: foreign"),
		mk(t, "dh", "13", "Architecture: all", "Multi-Arch: foreign", "Provides: dh-compat (= 13)"),
		mk(t, "cross", "1", "Depends: make:arm64, dh-compat:arm64 (= 13), perl:native"),
	)
	for req, want := range map[string]string{
		"p-any":    "p-any=1 python3=3.11",
		"virt-any": "pyprov=1 virt-any=1",
		"native":   "native=1 perl=5.36 python3=3.11",
		"tool":     "perl=5.36 tool=1",
		// A cross build's host-architecture dependencies: met by
		// Multi-Arch: foreign packages of the build architecture.
		"cross": "cross=1 dh=13 make=4 perl=5.36",
	} {
		if got := resolveOK(t, u, Request{Install: []string{req}}); got != want {
			t.Errorf("%s: got %s, want %s", req, got, want)
		}
	}
	err := resolveErr(t, u, Request{Install: []string{"perl-any"}})
	if want := "perl-any -> perl:any: perl=5.36 is not Multi-Arch: allowed"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("perl:any: %v", err)
	}
	err = resolveErr(t, u, Request{Install: []string{"foreign"}})
	if want := "foreign -> perl:arm64: architecture arm64 is not supported (only amd64 and all), and perl=5.36 is not Multi-Arch: foreign"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("foreign: %v", err)
	}
}

func TestRecommends(t *testing.T) {
	u := universe(
		mk(t, "a", "1", "Depends: b", "Recommends: c, gone, d | e"),
		mk(t, "b", "1", "Recommends: e"),
		mk(t, "c", "1"), mk(t, "d", "1"), mk(t, "e", "1"),
	)
	if got := resolveOK(t, u, Request{Install: []string{"a"}}); got != "a=1 b=1" {
		t.Errorf("without recommends: %s", got)
	}
	// Depth first: b's Recommends are followed before a's, so e is there
	// when "d | e" is met.
	if got := resolveOK(t, u, Request{Install: []string{"a"}, Recommends: true}); got != "a=1 b=1 c=1 e=1" {
		t.Errorf("with recommends: %s", got)
	}
}

func TestSeeds(t *testing.T) {
	u := universe(
		mk(t, "z", "1"),
		mk(t, "base", "1", "Essential: yes", "Priority: required"),
		mk(t, "abase", "1", "Essential: yes"),
		mk(t, "req", "1", "Priority: required"),
		mk(t, "imp", "1", "Priority: important"),
		mk(t, "awk-impl", "1", "Provides: awk"),
		mk(t, "two1", "1", "Provides: two"), mk(t, "two2", "1", "Provides: two"),
	)
	_, seeds, err := u.seeds(Request{Install: []string{"z", "req"}, Essential: true, Priorities: []string{"important", "required"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(seeds); got != "z=1 req=1 abase=1 base=1 imp=1" {
		t.Errorf("seeds: %s", got)
	}
	if got := resolveOK(t, u, Request{Install: []string{"z:amd64", "req:native"}}); got != "req=1 z=1" {
		t.Errorf("qualified names: %s", got)
	}
	err = resolveErr(t, u, Request{Install: []string{"z:arm64"}})
	if want := "z:arm64: architecture arm64 is not supported (only amd64 and all), and z=1 is not Multi-Arch: foreign, so it cannot stand in; candidates: z=1"; err.Error() != want {
		t.Errorf("foreign request:\ngot  %s\nwant %s", err, want)
	}
	if got := resolveOK(t, u, Request{Install: []string{"awk"}}); got != "awk-impl=1" {
		t.Errorf("virtual with one provider: %s", got)
	}
	err = resolveErr(t, u, Request{Install: []string{"two"}})
	want := "two: virtual package provided by several packages; request one of them; " +
		"candidates: two1=1 (provides two), two2=1 (provides two)"
	if err.Error() != want {
		t.Errorf("ambiguous:\ngot  %s\nwant %s", err, want)
	}
}

// shuffled returns a copy of ps in a random order.
func shuffled(ps []*pkgs.Package, seed int64) []*pkgs.Package {
	out := append([]*pkgs.Package(nil), ps...)
	rand.New(rand.NewSource(seed)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func TestShuffleDeterminism(t *testing.T) {
	ps := []*pkgs.Package{
		mk(t, "a", "1", "Depends: v, w | x"),
		mk(t, "p1", "1", "Provides: v"), mk(t, "p2", "1", "Provides: v"), mk(t, "p3", "2", "Provides: v"),
		mk(t, "w", "1", "Repo: r2"), mk(t, "w", "1", "Repo: r1"), mk(t, "w", "0.9"),
		mk(t, "x", "1"),
	}
	want := resolveOK(t, universe(ps...), Request{Install: []string{"a"}})
	for seed := int64(0); seed < 20; seed++ {
		u := universe(shuffled(ps, seed)...)
		r, err := u.Resolve(Request{Install: []string{"a"}})
		if err != nil || names(r.Packages) != want || r.Packages[len(r.Packages)-1].Repo != "r1" {
			t.Fatalf("seed %d: %v %v, want %s", seed, err, r, want)
		}
	}
}
