package resolve

import (
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb"
)

const testRepo = "test main amd64"

// mk builds a package from control-style fields: "Depends: b | c (>= 2)",
// "Provides: x (= 1)", "Essential: yes", "Priority: required",
// "Multi-Arch: allowed", "Architecture: all".
func mk(t testing.TB, name, version string, fields ...string) *pkgs.Package {
	t.Helper()
	p := &pkgs.Package{Name: name, Version: version, Arch: "amd64", Repo: testRepo,
		Filename: "pool/" + name + "_" + version + ".deb"}
	for _, f := range fields {
		k, v, _ := strings.Cut(f, ":")
		v = strings.TrimSpace(v)
		switch k {
		case "Pre-Depends":
			p.PreDepends = clausesOf(t, v)
		case "Depends":
			p.Depends = clausesOf(t, v)
		case "Recommends":
			p.Recommends = clausesOf(t, v)
		case "Provides":
			p.Provides = listOf(t, v)
		case "Conflicts":
			p.Conflicts = listOf(t, v)
		case "Breaks":
			p.Breaks = listOf(t, v)
		case "Essential":
			p.Essential = v == "yes"
		case "Priority":
			p.Priority = v
		case "Multi-Arch":
			p.MultiArch = v
		case "Architecture":
			p.Arch = v
		case "Repo":
			p.Repo = v
		default:
			t.Fatalf("mk: unknown field %q", k)
		}
	}
	return p
}

func clausesOf(t testing.TB, s string) []pkgs.Alternatives {
	t.Helper()
	c, err := deb.ParseRelations(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return c
}

func listOf(t testing.TB, s string) []pkgs.Relation {
	t.Helper()
	l, err := deb.ParseRelationList(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return l
}

// universe builds a test universe for amd64.
func universe(ps ...*pkgs.Package) *Universe {
	return New("amd64", deb.CompareVersions, ps)
}

// names renders packages as "name=version" joined by spaces.
func names(ps []*pkgs.Package) string {
	var out []string
	for _, p := range ps {
		out = append(out, nameVersion(p))
	}
	return strings.Join(out, " ")
}

// resolveOK resolves and fails the test on error.
func resolveOK(t *testing.T, u *Universe, req Request) string {
	t.Helper()
	r, err := u.Resolve(req)
	if err != nil {
		t.Fatalf("Resolve(%v): %v", req.Install, err)
	}
	return names(r.Packages)
}

// resolveErr resolves, expects an error and returns its message.
func resolveErr(t *testing.T, u *Universe, req Request) error {
	t.Helper()
	r, err := u.Resolve(req)
	if err == nil {
		t.Fatalf("Resolve(%v) = %s, want an error", req.Install, names(r.Packages))
	}
	return err
}
