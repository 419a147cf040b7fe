package lock

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
)

func sample() *File {
	p := func(name, arch string) pkgs.Locked {
		return pkgs.Locked{Repo: "debian", Suite: "bookworm", Arch: arch, Name: name, Version: "1.0",
			Filename: "pool/main/" + name + ".deb", Size: 10, SHA256: strings.Repeat("0", 64)}
	}
	return &File{
		Version:  FormatVersion,
		Repos:    []Repo{{Name: "debian", Suite: "bookworm", Release: "ab", Date: "d", Signer: "Key <a@b>"}},
		Requests: []Request{{Key: "sha256:2", Targets: []string{"b", "a"}, Arch: "amd64", Install: []string{"zsh=1.0:amd64", "bash=1.0:amd64"}}, {Key: "sha256:1", Arch: "arm64", Install: []string{"bash=1.0:arm64"}}},
		Packages: []pkgs.Locked{p("zsh", "amd64"), p("bash", "arm64"), p("bash", "amd64")},
	}
}

// TestRoundTrip: write, read, write again gives the same bytes; tables are
// sorted; each package is one line; the install order is kept.
func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cairn.lock")
	if err := sample().Write(path); err != nil {
		t.Fatal(err)
	}
	f, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := sample().Marshal()
	b, _ := f.Marshal()
	if !bytes.Equal(a, b) {
		t.Fatalf("round trip differs:\n%s\n---\n%s", a, b)
	}
	if f.Requests[0].Key != "sha256:1" || f.Packages[0].Name != "bash" || f.Packages[0].Arch != "amd64" {
		t.Errorf("not sorted: %+v %+v", f.Requests[0], f.Packages[0])
	}
	if got := f.Requests[1].Install; got[0] != "zsh=1.0:amd64" {
		t.Errorf("install order changed: %v", got)
	}
	if !strings.Contains(string(a), "Key <a@b>") || strings.Count(string(a), `{"repo":`) != 3 {
		t.Errorf("want HTML unescaped and one line per package:\n%s", a)
	}
	if got, ok := f.Lookup("sha256:2"); !ok || len(got.Packages) != 2 || got.Packages[0].Name != "zsh" {
		t.Errorf("Lookup = %v, %v", got, ok)
	}
}

func TestParseRejects(t *testing.T) {
	for name, text := range map[string]string{
		"garbage":           "{",
		"unknown field":     `{"version": 1, "extra": 1}`,
		"future format":     `{"version": 2}`,
		"dangling answer":   `{"version": 1, "requests": [{"key": "k", "install": ["bash=1:amd64"]}]}`,
		"base past install": `{"version": 1, "requests": [{"key": "k", "install": [], "base": 1}]}`,
	} {
		if _, err := Parse("cairn.lock", []byte(text)); err == nil || !strings.Contains(err.Error(), "cairn lock") {
			t.Errorf("%s: want an error pointing at `cairn lock`, got %v", name, err)
		}
	}
}
