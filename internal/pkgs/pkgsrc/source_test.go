package pkgsrc

import (
	"context"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/lock"
)

func request(target string, packages ...string) pkgs.Request {
	return pkgs.Request{
		Repos:    []pkgs.RepoSpec{{Type: "deb", Name: "debian", Suite: "bookworm", Components: []string{"main"}}},
		Packages: packages, Variant: "none", Arch: "amd64", Pos: "cairn.star:3:5", Target: target,
	}
}

func locked(name, version string) pkgs.Locked {
	return pkgs.Locked{Repo: "debian", Suite: "bookworm", Arch: "amd64", Name: name, Version: version,
		Filename: "pool/main/" + name + "_" + version + "_amd64.deb", Size: 1, SHA256: strings.Repeat("a", 64)}
}

// lockWith answers each request with the given packages.
func lockWith(answers map[string][]pkgs.Locked, reqs ...pkgs.Request) *lock.File {
	f := &lock.File{Version: lock.FormatVersion}
	for _, r := range reqs {
		lr := lock.Request{Key: r.Key()}
		for _, p := range answers[r.Target] {
			f.Packages = append(f.Packages, p)
			lr.Install = append(lr.Install, lock.ID(p))
		}
		f.Requests = append(f.Requests, lr)
	}
	return f
}

func TestAnswersFromLockWithMirrorURL(t *testing.T) {
	a := request("a", "bash")
	s := New(Config{Lock: lockWith(map[string][]pkgs.Locked{"a": {locked("bash", "5.2")}}, a),
		Mirrors: map[string]string{"debian": "http://mirror.example/debian/"}})
	set, err := s.Resolve(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Packages) != 1 || set.Packages[0].URL != "http://mirror.example/debian/pool/main/bash_5.2_amd64.deb" {
		t.Fatalf("got %+v", set.Packages)
	}
}

// TestLockedRefusesUncovered: the error names the request but not its
// position, which the compiler adds as a field (stdlib.Error).
func TestLockedRefusesUncovered(t *testing.T) {
	s := New(Config{Locked: true})
	_, err := s.Resolve(context.Background(), request("a", "bash"))
	if err == nil || !strings.HasPrefix(err.Error(), "cairn.lock does not cover this request (rootfs for amd64 (variant none, packages bash))") {
		t.Fatalf("got %v", err)
	}
}

func TestTargetsMustAgreeOnVersions(t *testing.T) {
	a, b := request("iso", "bash"), request("image", "bash", "less")
	s := New(Config{Lock: lockWith(map[string][]pkgs.Locked{
		"iso":   {locked("bash", "5.2")},
		"image": {locked("bash", "5.1"), locked("less", "590")},
	}, a, b), Mirrors: map[string]string{"debian": "http://mirror.example/debian"}})
	for _, r := range []pkgs.Request{a, b} {
		if _, err := s.Resolve(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.Lockfile()
	if err == nil || !strings.Contains(err.Error(), "bash:amd64 resolves to") ||
		!strings.Contains(err.Error(), "target iso (cairn.star:3:5)") || !strings.Contains(err.Error(), "target image (cairn.star:3:5)") {
		t.Fatalf("want an error naming both targets and their calls, got %v", err)
	}
}

func TestUpdateReleasesOnlyNamedPackages(t *testing.T) {
	s := New(Config{Lock: lockWith(map[string][]pkgs.Locked{"a": {locked("bash", "5.1"), locked("less", "580")}}, request("a")),
		Update: []string{"less"}})
	all := []*pkgs.Package{
		{Name: "bash", Version: "5.1", Arch: "amd64"}, {Name: "bash", Version: "5.2", Arch: "amd64"},
		{Name: "less", Version: "580", Arch: "amd64"}, {Name: "less", Version: "590", Arch: "amd64"},
		{Name: "zsh", Version: "5.9", Arch: "amd64"},
	}
	var got []string
	for _, p := range s.preferLocked(all) {
		got = append(got, p.String())
	}
	want := "bash=5.1:amd64 less=580:amd64 less=590:amd64 zsh=5.9:amd64"
	if strings.Join(got, " ") != want {
		t.Errorf("candidates after pinning: %v, want %s", got, want)
	}
}

func TestMirrorSnapshotPlaceholder(t *testing.T) {
	spec := pkgs.RepoSpec{Name: "debian", Suite: "bookworm", Snapshot: "20250520T000000Z"}
	s := New(Config{Mirrors: map[string]string{"debian": "http://snap.example/archive/debian/{snapshot}/"}})
	if m, err := s.mirror(spec); err != nil || m != "http://snap.example/archive/debian/20250520T000000Z" {
		t.Errorf("mirror = %q, %v", m, err)
	}
	s = New(Config{Mirrors: map[string]string{"debian": "http://mirror.example/debian"}})
	if _, err := s.mirror(spec); err == nil || !strings.Contains(err.Error(), "{snapshot}") {
		t.Errorf("want a {snapshot} placeholder error, got %v", err)
	}
}

// TestLockedPackageFromRequestedRepo: a package the lock holds from two
// repositories (the same build in two apt_repo() trees) is answered from
// the one the request lists.
func TestLockedPackageFromRequestedRepo(t *testing.T) {
	req := request("a", "hello")
	req.Repos = append(req.Repos, pkgs.RepoSpec{Type: "deb", Name: "ours", Suite: "cairn", Components: []string{"main"}})
	req.Repos = req.Repos[1:]
	built, ours := locked("hello", "2.10-3+cairn1"), locked("hello", "2.10-3+cairn1")
	built.Repo, ours.Repo = "built", "ours"
	f := lockWith(map[string][]pkgs.Locked{"a": {ours}}, req)
	f.Packages = append([]pkgs.Locked{built}, f.Packages...)
	set, err := New(Config{Lock: f}).Resolve(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Packages) != 1 || set.Packages[0].Repo != "ours" {
		t.Fatalf("got %+v, want hello from ours", set.Packages)
	}
}
