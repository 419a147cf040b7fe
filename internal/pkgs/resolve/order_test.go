package resolve

import (
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
)

func TestConfigureOrder(t *testing.T) {
	u := universe(
		mk(t, "app", "1", "Depends: libz, awk"),
		mk(t, "libz", "1", "Pre-Depends: libc"),
		mk(t, "libc", "1"),
		mk(t, "mawk", "1", "Provides: awk", "Depends: libc"),
		mk(t, "aaa", "1"),
	)
	r, err := u.Resolve(Request{Install: []string{"app", "aaa"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(r.ConfigureOrder()), "aaa=1 libc=1 libz=1 mawk=1 app=1"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestConfigureOrderByHand orders a Result that did not come from Resolve,
// as one read back from a lockfile: unsorted, without a universe.
func TestConfigureOrderByHand(t *testing.T) {
	r := &Result{Packages: []*pkgs.Package{
		mk(t, "mawk", "1", "Provides: awk", "Depends: libc"),
		mk(t, "app", "1", "Depends: libz (>= 9), awk"),
		mk(t, "libc", "1"),
		mk(t, "libz", "1", "Pre-Depends: libc (<< 0)"),
	}}
	if got, want := names(r.ConfigureOrder()), "libc=1 libz=1 mawk=1 app=1"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestConfigureOrderCycles(t *testing.T) {
	cases := []struct {
		name string
		u    *Universe
		want string
	}{{
		// Only Depends in the cycle: the smallest name goes first.
		"depends", universe(
			mk(t, "c", "1", "Depends: a"),
			mk(t, "a", "1", "Depends: b"),
			mk(t, "b", "1", "Depends: c"),
		), "a=1 c=1 b=1",
	}, {
		// x waits for y by Depends, y for x by Pre-Depends: x goes first
		// so that y's Pre-Depends holds.
		"pre-depends", universe(
			mk(t, "x", "1", "Depends: y"),
			mk(t, "y", "1", "Pre-Depends: x"),
		), "x=1 y=1",
	}, {
		// Every package in the cycle has an unmet Pre-Depends: smallest
		// name.
		"all pre-depends", universe(
			mk(t, "m", "1", "Pre-Depends: n"),
			mk(t, "n", "1", "Pre-Depends: m"),
			mk(t, "o", "1", "Depends: m"),
		), "m=1 n=1 o=1",
	}, {
		// A self-dependency is no edge.
		"self", universe(mk(t, "s", "1", "Depends: s, t"), mk(t, "t", "1", "Provides: s2")), "t=1 s=1",
	}}
	for _, c := range cases {
		var all []string
		for _, name := range c.u.names {
			all = append(all, name)
		}
		r, err := c.u.Resolve(Request{Install: all})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for i := 0; i < 3; i++ {
			if got := names(r.ConfigureOrder()); got != c.want {
				t.Errorf("%s: got %s, want %s", c.name, got, c.want)
			}
		}
	}
}
