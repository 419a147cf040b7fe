package resolve

import (
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb"
)

// minbase is the request for a minimal Debian system.
var minbase = Request{Install: []string{"apt"}, Essential: true, Priorities: []string{"required"}}

// TestRealShuffle resolves minbase over the real index in its own order and
// shuffled: the closure and the configure order must not change.
func TestRealShuffle(t *testing.T) {
	ix := loadIndex(t, "amd64")
	want := realOrder(t, ix.packages)
	for seed := int64(1); seed <= 2; seed++ {
		if got := realOrder(t, shuffled(ix.packages, seed)); got != want {
			t.Fatalf("seed %d: order changed:\n%s\nwant\n%s", seed, got, want)
		}
	}
}

// realOrder resolves minbase and renders the configure order.
func realOrder(t *testing.T, ps []*pkgs.Package) string {
	t.Helper()
	r, err := New("amd64", deb.CompareVersions, ps).Resolve(minbase)
	if err != nil {
		t.Fatal(err)
	}
	return names(r.Packages) + "\n" + names(r.ConfigureOrder())
}

// TestRealConfigureOrder checks on real closures that the order is a
// permutation and that only packages in dependency cycles come before
// what they depend on.
func TestRealConfigureOrder(t *testing.T) {
	ix := loadIndex(t, "amd64")
	u := New("amd64", deb.CompareVersions, ix.packages)
	for _, c := range oracleCases {
		r, err := u.Resolve(c.request("amd64"))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		order := r.ConfigureOrder()
		if len(order) != len(r.Packages) {
			t.Fatalf("%s: %d packages ordered, %d resolved", c.name, len(order), len(r.Packages))
		}
		checkOrder(t, c.name, r, order)
	}
}

// checkOrder reports each edge the order violates outside a cycle.
func checkOrder(t *testing.T, name string, r *Result, order []*pkgs.Package) {
	g := r.graph()
	comp := g.components(make([]bool, len(r.Packages)))
	pos := map[string]int{}
	for i, p := range order {
		if _, dup := pos[p.Name]; dup {
			t.Fatalf("%s: %s twice", name, p.Name)
		}
		pos[p.Name] = i
	}
	for i, p := range r.Packages {
		for _, j := range g.needs[i] {
			dep := r.Packages[j]
			if pos[dep.Name] > pos[p.Name] && comp[i] != comp[j] {
				t.Errorf("%s: %s is configured before its dependency %s", name, p.Name, dep.Name)
			}
		}
	}
}

// BenchmarkResolve measures New and a minbase Resolve over the full
// bookworm main index.
func BenchmarkResolve(b *testing.B) {
	ix := loadIndex(b, "amd64")
	b.ResetTimer()
	for range b.N {
		u := New("amd64", deb.CompareVersions, ix.packages)
		if _, err := u.Resolve(minbase); err != nil {
			b.Fatal(err)
		}
	}
}
