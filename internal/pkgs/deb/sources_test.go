package deb

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
)

func TestParseSources(t *testing.T) {
	f, err := os.Open("testdata/Sources.excerpt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	srcs, err := ParseSources(f, "debian bookworm/main source")
	if err != nil {
		t.Fatal(err)
	}
	var hello *pkgs.SourcePackage
	for _, s := range srcs {
		if s.Name == "hello" {
			hello = s
		}
	}
	if hello == nil {
		t.Fatalf("no hello among %d sources", len(srcs))
	}
	want := &pkgs.SourcePackage{Repo: "debian bookworm/main source", Name: "hello", Version: "2.10-3", Format: "3.0 (quilt)",
		Binaries: []string{"hello"}, Architecture: "any", Directory: "pool/main/h/hello",
		BuildDepends: "debhelper-compat (= 13), help2man, texinfo",
		PackageList:  []pkgs.SourceBinary{{Name: "hello", Type: "deb", Arch: "any"}},
		Files: []pkgs.SourceFile{
			{Name: "hello_2.10-3.dsc", Size: 1721, SHA256: "75296f5ef618ae2f1849e22b142a2b5ab52c452ebefa4e7b0564c44617db3790"},
			{Name: "hello_2.10.orig.tar.gz", Size: 725946, SHA256: "31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b"},
			{Name: "hello_2.10.orig.tar.gz.asc", Size: 819, SHA256: "4ea69de913428a4034d30dcdcb34ab84f5c4a76acf9040f3091f0d3fac411b60"},
			{Name: "hello_2.10-3.debian.tar.xz", Size: 12684, SHA256: "60ee7a466808301fbaa7fea2490b5e7a6d86f598956fb3e79c71b3295dc1f249"},
		}}
	if !reflect.DeepEqual(hello, want) {
		t.Errorf("hello:\n got %+v\nwant %+v", hello, want)
	}
	if d := hello.Description(".dsc"); d == nil || d.Name != "hello_2.10-3.dsc" {
		t.Errorf("Description(.dsc) = %+v", d)
	}
}

func TestParseSourcesRefuses(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Version: 1\nDirectory: d\nChecksums-Sha256:\n " + strings.Repeat("a", 64) + " 1 x.dsc\n", "Package"},
		{"Package: p\nDirectory: d\nChecksums-Sha256:\n " + strings.Repeat("a", 64) + " 1 x.dsc\n", "Version"},
		{"Package: p\nVersion: 1\nDirectory: d\n", "Checksums-Sha256"},
		{"Package: p\nVersion: 1\nChecksums-Sha256:\n " + strings.Repeat("a", 64) + " 1 ../x.dsc\n", "plain file name"},
		{"Package: p\nVersion: 1\nChecksums-Sha256:\n abc 1 x.dsc\n", "SHA256"},
		{"Package: p\nVersion: 1\nBuild-Depends: a (>> )\nChecksums-Sha256:\n " + strings.Repeat("a", 64) + " 1 x.dsc\n", "Build-Depends"},
	} {
		_, err := ParseSources(strings.NewReader(tc.text), "r")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want it to mention %q", tc.text, err, tc.want)
		}
	}
}

func TestBuildDepends(t *testing.T) {
	sp := &pkgs.SourcePackage{
		BuildDepends:      "debhelper-compat (= 13), libfoo-dev [amd64] | libbar-dev [!amd64], only-arm [arm64], check-tool <!nocheck>, stage <stage1 cross> <pkg.x>, gcc-multilib [linux-any]",
		BuildDependsArch:  "arch-only",
		BuildDependsIndep: "indep-only",
	}
	for _, tc := range []struct {
		b    BuildFor
		want string
	}{
		{BuildFor{Arch: "amd64", Any: true}, "debhelper-compat (= 13), libfoo-dev, gcc-multilib, check-tool, arch-only"},
		{BuildFor{Arch: "arm64", Any: true, All: true}, "debhelper-compat (= 13), libbar-dev, only-arm, check-tool, gcc-multilib, arch-only, indep-only"},
		{BuildFor{Arch: "amd64", Profiles: []string{"nocheck"}, All: true}, "debhelper-compat (= 13), libfoo-dev, gcc-multilib, indep-only"},
		{BuildFor{Arch: "amd64", Profiles: []string{"stage1", "cross"}}, "debhelper-compat (= 13), libfoo-dev, check-tool, stage, gcc-multilib"},
		{BuildFor{Arch: "amd64", Profiles: []string{"pkg.x"}}, "debhelper-compat (= 13), libfoo-dev, check-tool, stage, gcc-multilib"},
		{BuildFor{Arch: "amd64", Profiles: []string{"stage1"}}, "debhelper-compat (= 13), libfoo-dev, check-tool, gcc-multilib"},
	} {
		got, err := BuildDepends(sp, tc.b)
		if err != nil {
			t.Fatal(err)
		}
		s := make([]string, len(got))
		for i, a := range got {
			s[i] = a.String()
		}
		// Build-Depends is evaluated in field order; sort-insensitive compare by set.
		if g := strings.Join(s, ", "); !sameClauses(g, tc.want) {
			t.Errorf("%+v:\n got %s\nwant %s", tc.b, g, tc.want)
		}
	}
}

func sameClauses(a, b string) bool {
	x, y := strings.Split(a, ", "), strings.Split(b, ", ")
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
