package rpm_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs/rpm"
	"github.com/cairn-build/cairn/internal/pkgs/rpm/rpmtest"
)

// resolveSpecs is a repository for the resolver: every relation kind,
// two versions of a name, an epoch, a tilde, a file require, a virtual
// capability, an obsolete, a conflict, rich dependencies (and, or, if,
// if-else, with, without; rpm allows no "unless" in Requires), a weak one, and
// packages of both architectures and noarch.
var resolveSpecs = []rpmtest.Spec{
	{Name: "hello", Version: "1.0", Release: "1", Arch: "x86_64", Requires: []string{"libgreet >= 2.0", "/usr/bin/greet-config"}, Recommends: []string{"hello-docs"}},
	{Name: "hello", Version: "1.0", Release: "1", Arch: "aarch64", Requires: []string{"libgreet >= 2.0"}},
	{Name: "libgreet", Version: "2.1", Release: "3", Epoch: "1", Arch: "noarch", Provides: []string{"greet(api) = 2"}, Files: []string{"/usr/bin/greet-config"}},
	{Name: "libgreet", Version: "2.0~rc1", Release: "1", Arch: "noarch"},
	{Name: "hello-docs", Version: "1.0", Release: "1", Arch: "noarch"},
	{Name: "oldtool", Version: "2", Release: "1", Arch: "noarch"},
	{Name: "newtool", Version: "3", Release: "1", Arch: "noarch", Obsoletes: []string{"oldtool < 3"}, Conflicts: []string{"rival"}, Requires: []string{"(libgreet or rival)"}},
	{Name: "rival", Version: "1", Release: "1", Arch: "noarch"},
	{Name: "cond", Version: "1", Release: "1", Arch: "noarch", Requires: []string{"(hello-docs if hello)", "libgreet"}},
	{Name: "pinned", Version: "1", Release: "1", Arch: "noarch", Requires: []string{"libgreet = 2.0~rc1"}},
	{Name: "needsfile", Version: "1", Release: "1", Arch: "noarch", Requires: []string{"/usr/bin/greet-config"}},
	{Name: "virtual", Version: "1", Release: "1", Arch: "noarch", Requires: []string{"greet(api) >= 2"}},
	{Name: "unsat", Version: "1", Release: "1", Arch: "noarch", Requires: []string{"libgreet >= 1:3"}},
	{Name: "armonly", Version: "1", Release: "1", Arch: "aarch64"},
	{Name: "both", Version: "1", Release: "1", Arch: "x86_64", Requires: []string{"(hello and hello-docs)"}},
	{Name: "both", Version: "1", Release: "1", Arch: "aarch64", Requires: []string{"(hello and hello-docs)"}},
	{Name: "withuser", Version: "1", Release: "1", Arch: "noarch", Requires: []string{"(libgreet with greet(api))"}},
	{Name: "withoutuser", Version: "1", Release: "1", Arch: "noarch", Requires: []string{"(libgreet without greet(api))"}},
	{Name: "elseuser", Version: "1", Release: "1", Arch: "noarch", Requires: []string{"(rival if hello else hello-docs)"}},
}

// resolveRequests are the requests with one answer. Left out: "elseuser"
// alone, which libsolv may meet either way ((hello and rival) or
// hello-docs; dnf differs by architecture); Resolve's rule (the condition
// as the set stands) is tested on its own.
var resolveRequests = [][]string{
	{"hello"}, {"newtool"}, {"oldtool"}, {"hello", "newtool"}, {"newtool", "rival"}, {"libgreet"},
	{"cond"}, {"cond", "hello"}, {"pinned"}, {"needsfile"}, {"virtual"}, {"unsat"}, {"armonly"}, {"both"},
	{"greet(api)"}, {"nosuch"}, {"withuser"}, {"withoutuser"}, {"elseuser", "hello"},
}

// TestResolveAgainstDNF: for every request on both architectures, the
// closure Resolve picks is the one dnf installs (install_weak_deps=False),
// and a request dnf refuses is refused.
func TestResolveAgainstDNF(t *testing.T) {
	rpmtest.Need(t)
	if _, err := exec.LookPath("dnf"); err != nil {
		t.Skip("dnf is not installed (make setup installs it)")
	}
	dir := t.TempDir()
	rpmtest.Repo(t, dir, resolveSpecs, nil)
	md, err := os.ReadFile(filepath.Join(dir, "repodata", "repomd.xml"))
	if err != nil {
		t.Fatal(err)
	}
	rmd, err := rpm.ParseRepomd(md)
	if err != nil {
		t.Fatal(err)
	}
	pkgs := readPrimary(t, dir, rmd)
	for _, arch := range []string{"x86_64", "aarch64"} {
		u := rpm.NewUniverse(pkgs, arch)
		for _, req := range resolveRequests {
			want, dnfErr := dnfInstall(t, dir, arch, req)
			got, err := u.Resolve(req)
			var names []string
			for _, p := range got {
				names = append(names, p.Name+"-"+p.EVR.String()+"."+p.Arch)
			}
			slices.Sort(names)
			switch {
			case dnfErr != "" && err == nil:
				t.Errorf("%s %v: cairn resolved %v; dnf refused:\n%s", arch, req, names, dnfErr)
			case dnfErr == "" && err != nil:
				t.Errorf("%s %v: cairn refused (%v); dnf installs %v", arch, req, err, want)
			case dnfErr == "" && !slices.Equal(names, want):
				t.Errorf("%s %v: cairn %v, dnf %v", arch, req, names, want)
			case err != nil:
				t.Logf("%s %v: both refuse; cairn: %v", arch, req, err)
			}
		}
	}
}

func readPrimary(t *testing.T, dir string, rmd *rpm.Repomd) []rpm.Package {
	data, err := os.ReadFile(filepath.Join(dir, rmd.Data["primary"].Location))
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := rpm.ParsePrimaryCompressed(data)
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// dnfRow is one package line of dnf's transaction table.
var dnfRow = regexp.MustCompile(`^ (\S+)\s+(x86_64|aarch64|noarch)\s+(\S+)\s+\S+\s+[0-9.]+\s*[kMG]?\s*$`)

// dnfInstall asks dnf what a fresh install of names needs; it returns
// name-evr.arch sorted, or dnf's refusal.
func dnfInstall(t *testing.T, repo, arch string, names []string) ([]string, string) {
	args := []string{"--installroot=" + t.TempDir(), "--repofrompath=t," + repo, "--repo=t", "--setopt=install_weak_deps=False",
		"--setopt=t.gpgcheck=False", "--releasever=1", "--forcearch=" + arch, "--assumeno", "--nodocs", "install"}
	out, _ := exec.Command("dnf", append(args, names...)...).CombinedOutput()
	text := string(out)
	if !strings.Contains(text, "Transaction Summary") {
		return nil, text
	}
	var got []string
	for _, line := range strings.Split(text, "\n") {
		if m := dnfRow.FindStringSubmatch(line); m != nil {
			got = append(got, m[1]+"-"+m[3]+"."+m[2])
		}
	}
	slices.Sort(got)
	return got, ""
}
