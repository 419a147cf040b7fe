package pkgsrc

import (
	"context"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo/debrepotest"
)

// TestCrossRoot: a cross build's root takes Multi-Arch: foreign tools from
// the build architecture and the host's libraries as Multi-Arch: same
// packages of the host architecture, with sbuild's libc-dev and
// libstdc++-dev; a host dependency that is neither is refused by name.
func TestCrossRoot(t *testing.T) {
	pkg := func(name, arch, extra string) string {
		return "Package: " + name + "\nVersion: 1\nArchitecture: " + arch + "\nFilename: pool/" + name + "_" + arch + ".deb\nSize: 1\nSHA256: " +
			strings.Repeat("a", 64) + "\n" + extra + "\n\n"
	}
	both := func(name, extra string) (string, string) {
		if name == "debhelper" { // Architecture: all, in both indexes
			return pkg(name, "all", extra), pkg(name, "all", extra)
		}
		return pkg(name, "amd64", extra), pkg(name, "arm64", extra)
	}
	var amd, arm string
	for _, p := range [][2]string{
		{"debhelper", "Multi-Arch: foreign\nProvides: debhelper-compat (= 13)"},
		{"make", "Multi-Arch: foreign"},
		{"libc6", "Multi-Arch: same"},
		{"libc6-dev", "Multi-Arch: same\nProvides: libc-dev\nDepends: libc6, libc-dev-bin"},
		{"libc-dev-bin", "Multi-Arch: foreign\nDepends: libc6"},
		{"libstdc++-dev", "Multi-Arch: same\nDepends: libc6"},
		{"libz-dev", "Multi-Arch: same\nDepends: libc6"},
		{"perl", "Multi-Arch: allowed"},
		{"crossbuild-essential-arm64", ""},
	} {
		a, b := both(p[0], p[1])
		amd, arm = amd+a, arm+b
	}
	r := debrepotest.Serve(t, debrepotest.Options{Packages: amd, PackagesArm64: arm})
	spec := pkgs.RepoSpec{Type: "deb", Name: "fake", Suite: "test", Components: []string{"main"}, Mirror: r.URL,
		Keyring: "test.asc", KeyringData: r.PublicKey}
	s := New(Config{Client: &debrepo.Client{CacheDir: t.TempDir()}})
	req := pkgs.Request{Repos: []pkgs.RepoSpec{spec}, Variant: "none", Arch: "amd64", HostArch: "arm64",
		Packages: []string{"crossbuild-essential-arm64"},
		Depends:  []string{"debhelper-compat:arm64 (= 13)", "make:arm64", "libz-dev:arm64", "perl"}}
	set, err := s.Resolve(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range set.Packages {
		got = append(got, p.Name+":"+p.Arch)
	}
	want := "crossbuild-essential-arm64:amd64 debhelper:all make:amd64 perl:amd64 libc-dev-bin:amd64 libc6:amd64 " +
		"libc6:arm64 libc6-dev:arm64 libstdc++-dev:arm64 libz-dev:arm64"
	if !sameWords(strings.Join(got, " "), want) {
		t.Errorf("cross root:\ngot  %s\nwant %s", strings.Join(got, " "), want)
	}
	req.Depends = []string{"perl:arm64"}
	_, err = s.Resolve(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "needs perl 1 for arm64, which is not Multi-Arch: same") || !strings.Contains(err.Error(), "cross = False") {
		t.Errorf("perl for arm64 in a cross root: %v", err)
	}
}
