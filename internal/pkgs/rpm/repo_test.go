package rpm_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/host/gitsrc/gittest"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
	"github.com/cairn-build/cairn/internal/pkgs/rpm"
	"github.com/cairn-build/cairn/internal/pkgs/rpm/rpmtest"
)

// specs cover the relation kinds the resolver will need: versions, a
// file require, an obsolete, a conflict, a rich dependency, a weak one,
// an epoch, and three architectures.
var specs = []rpmtest.Spec{
	{Name: "hello", Version: "1.0", Release: "1", Arch: "x86_64", Requires: []string{"libgreet >= 2.0", "/usr/bin/greet-config"}, Recommends: []string{"hello-docs"}},
	{Name: "hello", Version: "1.0", Release: "1", Arch: "aarch64", Requires: []string{"libgreet >= 2.0"}},
	{Name: "libgreet", Version: "2.1", Release: "3", Epoch: "1", Arch: "noarch", Provides: []string{"greet(api) = 2"}, Files: []string{"/usr/bin/greet-config"}},
	{Name: "libgreet", Version: "2.0~rc1", Release: "1", Arch: "noarch"},
	{Name: "newtool", Version: "3", Release: "1", Arch: "noarch", Obsoletes: []string{"oldtool < 3"}, Conflicts: []string{"rival"}, Requires: []string{"(libgreet or rival)"}},
	{Name: "hello-docs", Version: "1.0", Release: "1", Arch: "noarch"},
}

type repo struct {
	dir     string
	keyring []byte
}

func makeRepo(t *testing.T) repo {
	rpmtest.Need(t)
	g := gittest.NewGPG(t)
	key := g.NewKey(t, "Repo <repo@example.org>")
	dir := t.TempDir()
	rpmtest.Repo(t, dir, specs, &rpmtest.Signer{Home: g.Home, Fingerprint: key.Fingerprint})
	return repo{dir: dir, keyring: g.Export(t, key)}
}

func (r repo) fetch(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(name)))
}

func TestReadRepo(t *testing.T) {
	r := makeRepo(t)
	kr, err := debrepo.ReadKeyring(r.keyring)
	if err != nil {
		t.Fatal(err)
	}
	got, err := rpm.ReadRepo("test", r.fetch, kr)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Signer, "repo@example.org") {
		t.Errorf("signer %q", got.Signer)
	}
	var names []string
	for _, p := range got.Packages {
		names = append(names, p.NEVRA())
	}
	slices.Sort(names)
	if strings.Join(names, " ") != "hello-1.0-1.aarch64 hello-1.0-1.x86_64 hello-docs-1.0-1.noarch libgreet-1:2.1-3.noarch libgreet-2.0~rc1-1.noarch newtool-3-1.noarch" {
		t.Errorf("packages %q", names)
	}
	byName := map[string]rpm.Package{}
	for _, p := range got.Packages {
		byName[p.NEVRA()] = p
	}
	hello := byName["hello-1.0-1.x86_64"]
	if !slices.ContainsFunc(hello.Requires, func(d rpm.Dep) bool { return d.String() == "libgreet >= 2.0" }) ||
		!slices.ContainsFunc(hello.Requires, func(d rpm.Dep) bool { return d.Name == "/usr/bin/greet-config" }) ||
		!slices.ContainsFunc(hello.Recommends, func(d rpm.Dep) bool { return d.Name == "hello-docs" }) {
		t.Errorf("hello's relations: requires %v, recommends %v", hello.Requires, hello.Recommends)
	}
	nt := byName["newtool-3-1.noarch"]
	if !slices.ContainsFunc(nt.Requires, func(d rpm.Dep) bool { return d.Rich() && d.Name == "(libgreet or rival)" }) ||
		len(nt.Obsoletes) != 1 || nt.Obsoletes[0].String() != "oldtool < 3" || len(nt.Conflicts) != 1 {
		t.Errorf("newtool's relations: %+v", nt)
	}
	lg := byName["libgreet-1:2.1-3.noarch"]
	if !slices.Contains(lg.Files, "/usr/bin/greet-config") || !slices.Contains(lg.Files, "/usr/share/libgreet/libgreet") {
		t.Errorf("libgreet's files (primary and filelists): %q", lg.Files)
	}
	if len(hello.SHA256) != 64 || !strings.HasPrefix(hello.Location, "Packages/") {
		t.Errorf("hello's pin: %q at %q", hello.SHA256, hello.Location)
	}
}

// TestReadRepoRefuses tampers with each file the trust chain covers.
func TestReadRepoRefuses(t *testing.T) {
	r := makeRepo(t)
	kr, _ := debrepo.ReadKeyring(r.keyring)
	other := gittest.NewGPG(t)
	otherKey := other.NewKey(t, "Other <other@example.org>")
	otherKR, _ := debrepo.ReadKeyring(other.Export(t, otherKey))
	primary := func() string {
		m, _ := filepath.Glob(filepath.Join(r.dir, "repodata", "*-primary.xml.*"))
		return m[0]
	}
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, dir string) func()
		kr     bool // use the other keyring
		want   string
	}{
		{"unknown signer", nil, true, "repodata/repomd.xml: "},
		{"unsigned", func(t *testing.T, dir string) func() {
			return hide(t, filepath.Join(dir, "repodata", "repomd.xml.asc"))
		}, false, "repodata/repomd.xml.asc: "},
		{"repomd edited", func(t *testing.T, dir string) func() {
			return edit(t, filepath.Join(dir, "repodata", "repomd.xml"), func(b []byte) []byte { return append(b, ' ') })
		}, false, "repodata/repomd.xml: "},
		{"primary replaced", func(t *testing.T, dir string) func() {
			return edit(t, primary(), func(b []byte) []byte { b[len(b)-1] ^= 1; return b })
		}, false, "-primary.xml"},
		{"primary truncated", func(t *testing.T, dir string) func() {
			return edit(t, primary(), func(b []byte) []byte { return b[:len(b)/2] })
		}, false, "truncated or replaced"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.tamper != nil {
				defer tc.tamper(t, r.dir)()
			}
			k := kr
			if tc.kr {
				k = otherKR
			}
			_, err := rpm.ReadRepo("test", r.fetch, k)
			if err == nil || !strings.HasPrefix(err.Error(), "test: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadRepo = %v; want a refusal naming %q", err, tc.want)
			}
		})
	}
}

// hide renames a file away; the returned func puts it back.
func hide(t *testing.T, name string) func() {
	if err := os.Rename(name, name+".hidden"); err != nil {
		t.Fatal(err)
	}
	return func() { os.Rename(name+".hidden", name) }
}

// edit rewrites a file; the returned func restores it.
func edit(t *testing.T, name string, f func([]byte) []byte) func() {
	orig, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, f(slices.Clone(orig)), 0o644); err != nil {
		t.Fatal(err)
	}
	return func() { os.WriteFile(name, orig, 0o644) }
}
