// Package rpmtest makes real RPM repositories for tests with the real
// tools Debian packages (rpmbuild, createrepo_c, GnuPG): no RPM
// distribution mirror is reachable here, so the packages are small ones
// built from generated spec files, indexed by createrepo_c and signed as
// a distribution signs its repodata.
package rpmtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Spec is one package to build.
type Spec struct {
	Name, Version, Release string
	// Epoch is "" for none.
	Epoch string
	// Arch is "noarch", "x86_64" or "aarch64".
	Arch string
	// Relations, as spec file lines take them ("libfoo >= 1.2", "(a or b)").
	Requires, Provides, Conflicts, Obsoletes, Recommends []string
	// Files are extra files the package owns, by absolute path; every
	// package also owns /usr/share/NAME/NAME.
	Files []string
}

// Need skips tb unless the tools are installed.
func Need(tb testing.TB) {
	tb.Helper()
	for _, p := range []string{"rpmbuild", "createrepo_c", "gpg"} {
		if _, err := exec.LookPath(p); err != nil {
			tb.Skipf("%s is not installed (make setup installs rpm, createrepo-c and gnupg)", p)
		}
	}
}

// Signer is a GnuPG home and the fingerprint of the key in it that signs.
type Signer struct{ Home, Fingerprint string }

// Repo builds specs into dir/Packages, indexes dir with createrepo_c and,
// when sign is set, signs repodata/repomd.xml with a detached armored
// signature.
func Repo(tb testing.TB, dir string, specs []Spec, sign *Signer) {
	tb.Helper()
	Need(tb)
	top := tb.TempDir()
	for _, s := range specs {
		build(tb, top, s)
	}
	rpms, _ := filepath.Glob(filepath.Join(top, "RPMS", "*", "*.rpm"))
	sort.Strings(rpms)
	if err := os.MkdirAll(filepath.Join(dir, "Packages"), 0o755); err != nil {
		tb.Fatal(err)
	}
	for _, r := range rpms {
		data, err := os.ReadFile(r)
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "Packages", filepath.Base(r)), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	run(tb, "", nil, "createrepo_c", "--quiet", "--checksum", "sha256", "--no-database", dir)
	if sign != nil {
		run(tb, "", []string{"GNUPGHOME=" + sign.Home}, "gpg", "--batch", "--yes", "--local-user", sign.Fingerprint,
			"--armor", "--detach-sign", filepath.Join(dir, "repodata", "repomd.xml"))
	}
}

func build(tb testing.TB, top string, s Spec) {
	var b strings.Builder
	fmt.Fprintf(&b, "Name: %s\nVersion: %s\nRelease: %s\nSummary: cairn test package %s\nLicense: MIT\n", s.Name, s.Version, s.Release, s.Name)
	if s.Epoch != "" {
		fmt.Fprintf(&b, "Epoch: %s\n", s.Epoch)
	}
	if s.Arch == "noarch" {
		b.WriteString("BuildArch: noarch\n")
	}
	for _, rel := range []struct {
		tag  string
		deps []string
	}{{"Requires", s.Requires}, {"Provides", s.Provides}, {"Conflicts", s.Conflicts}, {"Obsoletes", s.Obsoletes}, {"Recommends", s.Recommends}} {
		for _, d := range rel.deps {
			fmt.Fprintf(&b, "%s: %s\n", rel.tag, d)
		}
	}
	files := append([]string{"/usr/share/" + s.Name + "/" + s.Name}, s.Files...)
	b.WriteString("%description\nA package cairn's tests build.\n%install\n")
	for _, f := range files {
		fmt.Fprintf(&b, "mkdir -p %%{buildroot}%s\necho %s > %%{buildroot}%s\n", filepath.Dir(f), s.Name, f)
	}
	b.WriteString("%files\n" + strings.Join(files, "\n") + "\n")
	spec := filepath.Join(top, s.Name+"-"+s.Version+"-"+s.Arch+".spec")
	if err := os.WriteFile(spec, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	args := []string{"--quiet", "--define", "_topdir " + top, "--define", "_build_id_links none",
		"--define", "source_date_epoch_from_changelog 0", "--nodeps", "-bb", spec}
	if s.Arch != "noarch" {
		args = append(args, "--target", s.Arch)
	}
	run(tb, top, []string{"SOURCE_DATE_EPOCH=315532800"}, "rpmbuild", args...)
}

func run(tb testing.TB, dir string, env []string, name string, args ...string) {
	tb.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// Sign signs .rpm files in place with rpmsign, as a distribution signs
// its packages.
func Sign(tb testing.TB, s Signer, files ...string) {
	tb.Helper()
	args := []string{"--addsign", "--define", "__gpg /usr/bin/gpg", "--define", "_gpg_name " + s.Fingerprint, "--define", "_gpg_path " + s.Home}
	run(tb, "", []string{"GNUPGHOME=" + s.Home}, "rpmsign", append(args, files...)...)
}
