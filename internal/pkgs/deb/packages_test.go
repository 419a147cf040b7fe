package deb

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/cairn-build/cairn/internal/pkgs"
)

const bashParagraph = `Package: bash
Source: bash (5.2.15-2)
Version: 5.2.15-2+b2
Essential: yes
Installed-Size: 7164
Maintainer: Jane Doe <jane@example.org>
Architecture: amd64
Replaces: bash-completion (<< 20060301-0), bash-doc (<= 2.05-1)
Depends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1)
Pre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)
Recommends: bash-completion (>= 20060301-0)
Suggests: bash-doc
Conflicts: bash-completion (<< 20060301-0)
Multi-Arch: foreign
Section: shells
Priority: required
Filename: pool/main/b/bash/bash_5.2.15-2+b2_amd64.deb
Size: 1490652
SHA256: 82130bb6a560cd2a7234d8018baf73f188f5dd56413d5aa0accc987b2197a6a1
`

func TestParsePackages(t *testing.T) {
	got, err := ParsePackages(strings.NewReader(bashParagraph+"\nPackage: x\nVersion: 1\nArchitecture: all\nSource: x\nProvides: y (= 1), z\nBreaks: w (<< 2)\nMulti-Arch: no\n"), "test main amd64")
	if err != nil {
		t.Fatal(err)
	}
	want := []*pkgs.Package{{
		Name: "bash", Version: "5.2.15-2+b2", Arch: "amd64", MultiArch: "foreign", Essential: true,
		Priority: "required", Source: "bash (5.2.15-2)",
		PreDepends: []pkgs.Alternatives{alts(rel("libc6", ">=", "2.36")), alts(rel("libtinfo6", ">=", "6"))},
		Depends:    []pkgs.Alternatives{alts(rel("base-files", ">=", "2.1.12")), alts(rel("debianutils", ">=", "5.6-0.1"))},
		Recommends: []pkgs.Alternatives{alts(rel("bash-completion", ">=", "20060301-0"))},
		Conflicts:  []pkgs.Relation{rel("bash-completion", "<<", "20060301-0")},
		Filename:   "pool/main/b/bash/bash_5.2.15-2+b2_amd64.deb", Size: 1490652,
		SHA256:        "82130bb6a560cd2a7234d8018baf73f188f5dd56413d5aa0accc987b2197a6a1",
		InstalledSize: 7164, Repo: "test main amd64",
	}, {
		Name: "x", Version: "1", Arch: "all", Repo: "test main amd64",
		Provides: []pkgs.Relation{rel("y", "=", "1"), rel("z")}, Breaks: []pkgs.Relation{rel("w", "<<", "2")},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\n%+v\nwant\n%+v\n%+v", *got[0], *got[1], *want[0], *want[1])
	}
}

func TestParsePackagesErrors(t *testing.T) {
	const ok = "Package: a\nVersion: 1\nArchitecture: all\n"
	for _, tc := range []struct{ in, msg string }{
		{"Version: 1\nArchitecture: all\n", "line 1: missing Package field"},
		{"Package: a\nArchitecture: all\n", "missing Version field"},
		{"Package: a\nVersion: 1\nArchitecture:\n", "missing Architecture field"},
		{ok + "\n\nPackage: b\n", "Packages paragraph at line 6: missing Version field"},
		{"Package: A_\x01\nVersion: 1\nArchitecture: all\n", "Package: package name"},
		{"Package: a\nVersion: x\nArchitecture: all\n", "Version: version \"x\""},
		{"Package: a\nVersion: 1\nArchitecture: amd64 i386\n", "Architecture: architecture name"},
		{ok + "Multi-Arch: maybe\n", "Multi-Arch: invalid value \"maybe\""},
		{ok + "Essential: true\n", "Essential: invalid value"},
		{ok + "Size: -1\n", "Size: invalid value"},
		{ok + "Installed-Size: 1k\n", "Installed-Size: invalid value"},
		{ok + "SHA256: abc\n", "SHA256: invalid value"},
		{ok + "Depends: b (>= \n", "Depends: relation"},
		{ok + "Pre-Depends: |\n", "Pre-Depends: relation"},
		{ok + "Recommends: b [\n", "Recommends: relation"},
		{ok + "Conflicts: b | c\n", "Conflicts: relation"},
		{ok + "Breaks: b (= )\n", "Breaks: relation"},
		{ok + "Provides: b (>= 1)\n", "Provides: relation \"b (>= 1)\": only exact versions"},
		{"Package a\n", "repo: Packages: line 1: expected"},
	} {
		_, err := ParsePackages(strings.NewReader(tc.in), "repo")
		if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "repo: Packages") {
			t.Errorf("%q: got %v, want error containing %q", tc.in, err, tc.msg)
		}
	}
}

// TestPackageKeepsNoParagraph checks that kept values are copies, so a
// package does not pin its paragraph's text.
func TestPackageKeepsNoParagraph(t *testing.T) {
	p, err := NewReader(strings.NewReader(bashParagraph)).Next()
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := PackageFromParagraph(p, "r")
	if err != nil {
		t.Fatal(err)
	}
	if unsafe.StringData(pkg.Name) == unsafe.StringData(p.Get("Package")) {
		t.Error("Package.Name shares the paragraph's storage")
	}
}

// TestParsePackagesHostIndexes parses every Packages list apt downloaded
// on this machine: nothing may fail or be skipped.
func TestParsePackagesHostIndexes(t *testing.T) {
	byName := map[string]*pkgs.Package{}
	for _, f := range hostIndexes(t) {
		data := catList(t, f)
		ps, err := ParsePackages(bytes.NewReader(data), filepath.Base(f))
		if err != nil {
			t.Fatal(err)
		}
		if want := countPackageLines(data); len(ps) != want {
			t.Errorf("%s: %d packages, %d lines start with Package:", f, len(ps), want)
		}
		for _, p := range ps {
			if p.Repo != filepath.Base(f) {
				t.Fatalf("%s: Repo = %q", p, p.Repo)
			}
			byName[p.Name] = p
		}
	}
	checkKnownPackages(t, byName)
}

// checkKnownPackages spot-checks packages every Debian release has.
func checkKnownPackages(t *testing.T, byName map[string]*pkgs.Package) {
	bash, libc, apt := byName["bash"], byName["libc6"], byName["apt"]
	if bash == nil || libc == nil || apt == nil {
		t.Fatal("bash, libc6 or apt missing from the host indexes")
	}
	if !bash.Essential || bash.Priority != "required" || len(bash.PreDepends) == 0 || bash.MultiArch != "foreign" {
		t.Errorf("bash: %+v", *bash)
	}
	if libc.MultiArch != "same" || libc.Source == "" || libc.Essential || len(libc.Breaks) == 0 {
		t.Errorf("libc6: %+v", *libc)
	}
	if !strings.HasPrefix(bash.Filename, "pool/main/b/bash/bash_") || bash.Size <= 0 || len(bash.SHA256) != 64 || bash.InstalledSize <= 0 {
		t.Errorf("bash file: %q %d %q %d", bash.Filename, bash.Size, bash.SHA256, bash.InstalledSize)
	}
	versioned := 0
	for _, p := range byName {
		for _, r := range p.Provides {
			if r.Op == "=" && ValidVersion(r.Version) == nil {
				versioned++
			}
		}
	}
	if versioned < 100 {
		t.Errorf("only %d versioned Provides in the host indexes", versioned)
	}
}

// BenchmarkParsePackages parses the largest host index, or a synthetic
// one of about the same shape when the host has none.
func BenchmarkParsePackages(b *testing.B) {
	data := benchIndex(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePackages(bytes.NewReader(data), "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

// benchIndex returns the biggest host Packages list, decompressed.
func benchIndex(b *testing.B) []byte {
	files, _ := filepath.Glob("/var/lib/apt/lists/*_Packages*")
	var best []byte
	for _, f := range files {
		if data, err := exec.Command(aptHelper, "cat-file", f).Output(); err == nil && len(data) > len(best) {
			best = data
		}
	}
	if best != nil {
		return best
	}
	return syntheticIndex(60000)
}

// syntheticIndex returns n bash-like paragraphs with distinct names.
func syntheticIndex(n int) []byte {
	var buf bytes.Buffer
	for i := range n {
		name := fmt.Sprintf("Package: bash%d", i)
		fmt.Fprintf(&buf, "%sDescription: package %d\n more text\n .\n end\n\n", strings.Replace(bashParagraph, "Package: bash", name, 1), i)
	}
	return buf.Bytes()
}

func TestSyntheticIndex(t *testing.T) {
	ps, err := ParsePackages(bytes.NewReader(syntheticIndex(100)), "synthetic")
	if err != nil || len(ps) != 100 || ps[99].Name != "bash99" {
		t.Fatalf("%d packages, %v", len(ps), err)
	}
}
