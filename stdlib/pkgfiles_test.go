package stdlib_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo/debrepotest"
	"github.com/cairn-build/cairn/internal/pkgs/pkgsrc"
	"github.com/cairn-build/cairn/internal/pkgs/resolve"
	"github.com/cairn-build/cairn/recipes"
	"github.com/cairn-build/cairn/stdlib"
)

// signedRepo serves a repository holding one kernel package, and
// returns its URL and the armored public key.
func signedRepo(t *testing.T) (string, []byte) {
	t.Helper()
	r := debrepotest.Serve(t, debrepotest.Options{Packages: "Package: linux-image-amd64\nVersion: 6.1.0\nArchitecture: amd64\n" +
		"Filename: pool/linux-image-amd64_6.1.0_amd64.deb\nSize: 1\nSHA256: " + strings.Repeat("a", 64) + "\n"})
	return r.URL, r.PublicKey
}

// pkgFilesRecipe calls package_files() at line 3, column 10.
const pkgFilesRecipe = `
debian = repo.deb(name = "fake", suite = "test", mirror = %q, keyring = "archive.asc")
kernel = package_files(repos = [debian], packages = [%q])
target("k", kernel)
`

// noURLPackages answers every request with one package and no download URL.
type noURLPackages struct{}

func (noURLPackages) Resolve(_ context.Context, req pkgs.Request) (*pkgs.Set, error) {
	return &pkgs.Set{Packages: []pkgs.Locked{{Repo: "fake", Suite: "test", Arch: req.Arch, Name: "linux-image-amd64",
		Version: "6.1.0", Filename: "pool/l.deb", Size: 1, SHA256: strings.Repeat("a", 64)}}}, nil
}

// TestPackageFilesErrorsSayPackageFiles: errors from a package_files()
// target, from the package source (an unknown package, a lock that does
// not cover it) or from the compiler, name package_files and its line,
// not rootfs.
func TestPackageFilesErrorsSayPackageFiles(t *testing.T) {
	url, pub := signedRepo(t)
	fetching := pkgsrc.New(pkgsrc.Config{Client: &debrepo.Client{CacheDir: t.TempDir()}})
	for _, tc := range []struct {
		name, pkg string
		opts      stdlib.CompileOptions
		want      string
	}{
		{"unknown package", "linux-image-amd46", stdlib.CompileOptions{Helper: fakeHelper, Packages: fetching},
			`cairn.star:3:10: package_files: linux-image-amd46: `},
		{"not locked", "linux-image-amd64", stdlib.CompileOptions{Helper: fakeHelper, Packages: pkgsrc.New(pkgsrc.Config{Locked: true})},
			`cairn.star:3:10: package_files: cairn.lock does not cover this request (package_files for amd64 (variant files, packages linux-image-amd64))`},
		{"no package source", "linux-image-amd64", stdlib.CompileOptions{Helper: fakeHelper},
			`cairn.star:3:10: package_files: this build has no package source`},
		{"no URL", "linux-image-amd64", stdlib.CompileOptions{Helper: fakeHelper, Packages: noURLPackages{}},
			`cairn.star:3:10: package_files: linux-image-amd64: no download URL`},
		{"no helper", "linux-image-amd64", stdlib.CompileOptions{Helper: stdlib.Helper{Platform: amd64}, Packages: fakePackages{}},
			`cairn.star:3:10: package_files needs cairn's in-graph helper`},
	} {
		proj := fstest.MapFS{"cairn.star": {Data: fmt.Appendf(nil, pkgFilesRecipe, url, tc.pkg)}, "archive.asc": {Data: pub}}
		r, err := stdlib.Evaluate(stdlib.Options{Project: proj, Library: recipes.FS})
		if err != nil {
			t.Fatalf("%s: evaluate: %v", tc.name, err)
		}
		tc.opts.Platform, tc.opts.Epoch = amd64, 315532800
		_, err = r.NewCompiler(tc.opts).Marshal(context.Background(), r.Target("k").Artifact)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "rootfs") {
			t.Errorf("%s:\n got  %v\n want an error containing %q and not rootfs", tc.name, err, tc.want)
		}
		var se *stdlib.Error
		if !errors.As(err, &se) || se.Pos.String() != "cairn.star:3:10" {
			t.Errorf("%s: got %#v, want a *stdlib.Error at cairn.star:3:10", tc.name, err)
		}
	}
}

// failingPackages fails every request with err.
type failingPackages struct{ err error }

func (s failingPackages) Resolve(context.Context, pkgs.Request) (*pkgs.Set, error) { return nil, s.err }

// TestPackageSourceErrorsPositioned: an error from the package source
// comes back as a *stdlib.Error holding the call's position and builtin as
// fields, wrapping the source's error unchanged (here the resolver's
// *resolve.UnsatisfiedError for an unknown package), so the gateway reads
// the position with errors.As instead of parsing the message.
func TestPackageSourceErrorsPositioned(t *testing.T) {
	url, pub := signedRepo(t)
	proj := fstest.MapFS{"cairn.star": {Data: fmt.Appendf(nil, pkgFilesRecipe, url, "linux-image-amd46")}, "archive.asc": {Data: pub}}
	r, err := stdlib.Evaluate(stdlib.Options{Project: proj, Library: recipes.FS})
	if err != nil {
		t.Fatal(err)
	}
	compile := func(src pkgs.Source) error {
		_, err := r.NewCompiler(stdlib.CompileOptions{Platform: amd64, Epoch: 315532800, Helper: fakeHelper, Packages: src}).
			Marshal(context.Background(), r.Target("k").Artifact)
		return err
	}
	boom := errors.New("boom")
	if err := compile(failingPackages{boom}); err == nil || err.Error() != "cairn.star:3:10: package_files: boom" || !errors.Is(err, boom) {
		t.Errorf("fake source: got %v, want cairn.star:3:10: package_files: boom, wrapping boom", err)
	}
	err = compile(pkgsrc.New(pkgsrc.Config{Client: &debrepo.Client{CacheDir: t.TempDir()}}))
	var se *stdlib.Error
	if !errors.As(err, &se) || se.Pos.Filename() != "cairn.star" || se.Pos.Line != 3 || se.Pos.Col != 10 || se.Call != "package_files" {
		t.Fatalf("unknown package: got %#v, want a *stdlib.Error at cairn.star:3:10 of package_files", err)
	}
	var ue *resolve.UnsatisfiedError
	if !errors.As(err, &ue) || !strings.HasPrefix(se.Err.Error(), "linux-image-amd46: ") {
		t.Errorf("unknown package: the source's error %v is not the resolver's, unpositioned", se.Err)
	}
}

// TestPackageFilesArgErrorsSayPackageFiles: argument errors shared with
// rootfs() name the builtin that was called.
func TestPackageFilesArgErrorsSayPackageFiles(t *testing.T) {
	for call, want := range map[string]string{
		`package_files(repos = [], packages = ["a"])`:    `package_files: for parameter repos: got [], want at least one repo`,
		`package_files(repos = ["x"], packages = ["a"])`: `package_files: for parameter repos: got string`,
		`rootfs(repos = [])`:                             `rootfs: for parameter repos: got [], want at least one repo`,
	} {
		_, err := stdlib.Evaluate(stdlib.Options{Project: fstest.MapFS{"cairn.star": {Data: []byte("x = " + call + "\n")}}})
		if err == nil || !strings.Contains(err.Error(), "cairn.star:1:") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s:\n got  %v\n want a cairn.star:1: error containing %q", call, err, want)
		}
	}
}
