package pkgsrc

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo/debrepotest"
	"github.com/cairn-build/cairn/internal/pkgs/lock"
)

func sourceStanza(name, version, bdeps string) string {
	return "Package: " + name + "\nVersion: " + version + "\nArchitecture: any\nFormat: 3.0 (quilt)\nDirectory: pool/main/" +
		name + "\nBuild-Depends: " + bdeps + "\nChecksums-Sha256:\n " + strings.Repeat("b", 64) + " 10 " + name + "_" + version + ".dsc\n\n"
}

// TestResolveSourceAndLock: the highest version (or the pinned one) comes
// from the signed Sources index, the lockfile records it, and a locked
// Source answers again from the lock alone with this machine's mirror.
func TestResolveSourceAndLock(t *testing.T) {
	r := debrepotest.Serve(t, debrepotest.Options{
		Packages: "Package: a\nVersion: 1\nArchitecture: amd64\nFilename: pool/a.deb\nSize: 1\nSHA256: " + strings.Repeat("a", 64) + "\n",
		Sources:  sourceStanza("hello", "2.10-2", "debhelper-compat (= 13)") + sourceStanza("hello", "2.10-3", "debhelper-compat (= 13), help2man"),
	})
	spec := pkgs.RepoSpec{Type: "deb", Name: "fake", Suite: "test", Components: []string{"main"}, Mirror: r.URL,
		Keyring: "test.asc", KeyringData: r.PublicKey}
	s := New(Config{Client: &debrepo.Client{CacheDir: t.TempDir()}})
	ctx := context.Background()
	req := pkgs.SourceRequest{Repos: []pkgs.RepoSpec{spec}, Name: "hello", Target: "t"}
	sp, err := s.ResolveSource(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if sp.Version != "2.10-3" || sp.URL != r.URL+"/pool/main/hello" || sp.Repo != "fake" || sp.Suite != "test" ||
		sp.BuildDepends != "debhelper-compat (= 13), help2man" {
		t.Fatalf("got %+v", sp)
	}
	pinned := req
	pinned.Version = "2.10-2"
	if sp, err := s.ResolveSource(ctx, pinned); err != nil || sp.Version != "2.10-2" {
		t.Fatalf("pinned: %+v, %v", sp, err)
	}
	for _, tc := range []struct {
		name, version, want string
	}{
		{"helo", "", `no source package helo in fake test (did you mean "hello"?)`},
		{"hello", "9", "no source package hello=9 in fake test; drop the version to take the newest, or run `cairn lock --update hello`"},
	} {
		_, err := s.ResolveSource(ctx, pkgs.SourceRequest{Repos: []pkgs.RepoSpec{spec}, Name: tc.name, Version: tc.version})
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s=%s: err = %v, want %s", tc.name, tc.version, err, tc.want)
		}
	}

	f, err := s.Lockfile()
	if err != nil {
		t.Fatal(err)
	}
	data, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	f2, err := lock.Parse("cairn.lock", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if len(f2.Sources) != 2 || len(f2.Repos) != 1 {
		t.Fatalf("lock has %d sources, %d repos:\n%s", len(f2.Sources), len(f2.Repos), data)
	}
	offline := New(Config{Lock: f2, Locked: true, Mirrors: map[string]string{"fake": "http://mirror.example/x/"}})
	sp, err = offline.ResolveSource(ctx, req)
	if err != nil || sp.Version != "2.10-3" || sp.URL != "http://mirror.example/x/pool/main/hello" {
		t.Fatalf("from the lock: %+v, %v", sp, err)
	}
	if _, err := offline.ResolveSource(ctx, pkgs.SourceRequest{Repos: req.Repos, Name: "other"}); err == nil ||
		!strings.Contains(err.Error(), "cairn.lock does not cover source package other") {
		t.Errorf("uncovered source under --locked: %v", err)
	}
}

// TestDependsSatisfied: a request's Depends clauses are installed as
// apt-get build-dep would, and the stand-in package is not in the answer.
func TestDependsSatisfied(t *testing.T) {
	pkg := func(name, extra string) string {
		return "Package: " + name + "\nVersion: 1\nArchitecture: amd64\nFilename: pool/" + name + ".deb\nSize: 1\nSHA256: " +
			strings.Repeat("a", 64) + "\n" + extra + "\n\n"
	}
	r := debrepotest.Serve(t, debrepotest.Options{Packages: pkg("debhelper", "Provides: debhelper-compat (= 13)\nDepends: perl") +
		pkg("perl", "") + pkg("help2man", "") + pkg("texinfo", "")})
	spec := pkgs.RepoSpec{Type: "deb", Name: "fake", Suite: "test", Components: []string{"main"}, Mirror: r.URL,
		Keyring: "test.asc", KeyringData: r.PublicKey}
	s := New(Config{Client: &debrepo.Client{CacheDir: t.TempDir()}})
	set, err := s.Resolve(context.Background(), pkgs.Request{Repos: []pkgs.RepoSpec{spec}, Variant: "none", Arch: "amd64",
		Packages: []string{"texinfo"}, Depends: []string{"debhelper-compat (= 13)", "missing | help2man"}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range set.Packages {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, " "); !sameWords(got, "debhelper help2man perl texinfo") {
		t.Errorf("installed %s", got)
	}
	_, err = s.Resolve(context.Background(), pkgs.Request{Repos: []pkgs.RepoSpec{spec}, Variant: "none", Arch: "amd64",
		Depends: []string{"debhelper-compat (>= 14)"}})
	if err == nil || !strings.Contains(err.Error(), "debhelper-compat") {
		t.Errorf("unsatisfiable build dependency: %v", err)
	}
}

func sameWords(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
