package resolve

import (
	"slices"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb"
)

// FuzzResolve builds a small universe from the input and checks what must
// hold for any universe: no panic, the same answer for the packages in
// reverse order, and a successful result that is closed (every Pre-Depends
// and Depends satisfied inside it), free of conflicts, contains the
// request, and is fully ordered by ConfigureOrder.
func FuzzResolve(f *testing.F) {
	f.Add([]byte("\x05\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c"))
	f.Add([]byte("\x08abcdefghijklmnopqrstuvwxyz0123456789"))
	f.Add([]byte("\x03\xff\x10\x20\x30\x40\x50\x60\x70\x80\x90\xa0\xb0\xc0\xd0\xe0\xf0"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &gen{data: data}
		ps := g.universe()
		req := g.request()
		r1, err1 := New("amd64", deb.CompareVersions, ps).Resolve(req)
		rev := slices.Clone(ps)
		slices.Reverse(rev)
		r2, err2 := New("amd64", deb.CompareVersions, rev).Resolve(req)
		if (err1 == nil) != (err2 == nil) || err1 != nil && err1.Error() != err2.Error() {
			t.Fatalf("order changed the error: %v / %v", err1, err2)
		}
		if err1 != nil {
			return
		}
		if names(r1.Packages) != names(r2.Packages) {
			t.Fatalf("order changed the result: %s / %s", names(r1.Packages), names(r2.Packages))
		}
		checkClosure(t, r1, req)
	})
}

// checkClosure verifies a successful result.
func checkClosure(t *testing.T, r *Result, req Request) {
	s := r.selection()
	for _, p := range r.Packages {
		for _, d := range dependencies(p) {
			if s.clauseSatisfier(d.alts) == nil {
				t.Fatalf("%s: %s unsatisfied in %s", p.Name, d.alts, names(r.Packages))
			}
		}
		for _, n := range negativeRelations(p) {
			if x := s.conflicting(n.rel, p); x != nil {
				t.Fatalf("%s %s %s: %s in %s", p.Name, n.field, n.rel, x.Name, names(r.Packages))
			}
		}
	}
	for _, name := range req.Install {
		if s.sel[name] == nil && len(s.prov[name]) == 0 {
			t.Fatalf("requested %s missing from %s", name, names(r.Packages))
		}
	}
	if len(r.ConfigureOrder()) != len(r.Packages) {
		t.Fatal("ConfigureOrder lost packages")
	}
}

// gen draws a universe from fuzz input; past the end it reads zeros.
type gen struct {
	data []byte
	i    int
}

func (g *gen) byte() byte {
	if g.i >= len(g.data) {
		return 0
	}
	g.i++
	return g.data[g.i-1]
}

func (g *gen) pick(n int) int { return int(g.byte()) % n }

var (
	fuzzNames = []string{"a", "b", "c", "d", "e", "f", "v", "w"} // v and w are often virtual
	fuzzOps   = []string{"", "", "<<", "<=", "=", ">=", ">>"}
)

func (g *gen) universe() []*pkgs.Package {
	n := 1 + g.pick(10)
	var ps []*pkgs.Package
	for range n {
		p := &pkgs.Package{Name: fuzzNames[g.pick(6)], Version: g.version(), Arch: []string{"amd64", "all", "arm64"}[g.pick(3)],
			Essential: g.pick(8) == 0, Priority: []string{"", "required", "optional"}[g.pick(3)],
			MultiArch: []string{"", "allowed", "foreign"}[g.pick(3)], Repo: "fuzz"}
		p.PreDepends = g.clauses(g.pick(2))
		p.Depends = g.clauses(g.pick(3))
		p.Recommends = g.clauses(g.pick(2))
		p.Provides = g.relations(g.pick(3), true)
		p.Conflicts = g.relations(g.pick(2), false)
		p.Breaks = g.relations(g.pick(2), false)
		ps = append(ps, p)
	}
	return ps
}

func (g *gen) version() string { return []string{"1", "2", "3"}[g.pick(3)] }

func (g *gen) relation(provides bool) pkgs.Relation {
	r := pkgs.Relation{Name: fuzzNames[g.pick(len(fuzzNames))]}
	if provides {
		if g.pick(2) == 0 {
			r.Op, r.Version = "=", g.version()
		}
		return r
	}
	r.Arch = []string{"", "", "", "any", "native", "arm64"}[g.pick(6)]
	if r.Op = fuzzOps[g.pick(len(fuzzOps))]; r.Op != "" {
		r.Version = g.version()
	}
	return r
}

func (g *gen) relations(n int, provides bool) []pkgs.Relation {
	var out []pkgs.Relation
	for range n {
		out = append(out, g.relation(provides))
	}
	return out
}

func (g *gen) clauses(n int) []pkgs.Alternatives {
	var out []pkgs.Alternatives
	for range n {
		out = append(out, pkgs.Alternatives(g.relations(1+g.pick(2), false)))
	}
	return out
}

func (g *gen) request() Request {
	req := Request{Essential: g.pick(2) == 0, Recommends: g.pick(2) == 0}
	for range 1 + g.pick(2) {
		req.Install = append(req.Install, fuzzNames[g.pick(len(fuzzNames))])
	}
	if g.pick(2) == 0 {
		req.Priorities = []string{"required"}
	}
	return req
}
