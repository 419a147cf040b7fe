package archive

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/testutil"
)

// ownedTree returns a tree whose file f belongs to 1234:5678, directory
// d to 42:43 and, when setcap is installed, file ping has the
// capability cap_net_raw+ep.
func ownedTree(t *testing.T) string {
	t.Helper()
	testutil.NeedRoot(t)
	dir := t.TempDir()
	testutil.Must(t, os.WriteFile(filepath.Join(dir, "f"), []byte("owned\n"), 0o644))
	testutil.Must(t, os.Chown(filepath.Join(dir, "f"), 1234, 5678))
	testutil.Must(t, os.Mkdir(filepath.Join(dir, "d"), 0o755))
	testutil.Must(t, os.Chown(filepath.Join(dir, "d"), 42, 43))
	testutil.Must(t, os.WriteFile(filepath.Join(dir, "ping"), []byte("ping\n"), 0o755))
	if _, err := exec.LookPath("setcap"); err == nil {
		testutil.Shell(t, "setcap", "cap_net_raw+ep", filepath.Join(dir, "ping"))
	}
	return dir
}

// wantListing checks every pattern against GNU tar's numeric listing.
func wantListing(t *testing.T, listing string, patterns ...string) {
	t.Helper()
	for _, p := range patterns {
		if !regexp.MustCompile(p).MatchString(listing) {
			t.Errorf("no line matches %s in:\n%s", p, listing)
		}
	}
}

func TestTarKeepOwners(t *testing.T) {
	src := ownedTree(t)
	dir := t.TempDir()
	kept, root := filepath.Join(dir, "kept.tar"), filepath.Join(dir, "root.tar")
	for _, req := range []request.Tar{{Src: src, Out: kept, Epoch: 1700000000, KeepOwners: true}, {Src: src, Out: root, Epoch: 1700000000}} {
		testutil.Must(t, RunTar(req))
	}
	wantListing(t, testutil.Shell(t, "tar", "--numeric-owner", "-tvf", kept),
		`(?m)^-rw-r--r-- 1234/5678 +6 2023-11-14 22:13 f$`, `(?m)^drwxr-xr-x 42/43 +0 .* d/$`)
	wantListing(t, testutil.Shell(t, "tar", "--numeric-owner", "-tvf", root),
		`(?m)^-rw-r--r-- 0/0 +6 .* f$`, `(?m)^drwxr-xr-x 0/0 +0 .* d/$`)
	var want bytes.Buffer
	testutil.Must(t, WriteTar(&want, src, Options{Epoch: 1700000000, Xattrs: true}))
	if got, _ := os.ReadFile(kept); !bytes.Equal(got, want.Bytes()) {
		t.Error("tar keeping owners differs from archive.WriteTar with host owners and xattrs")
	}
	if _, err := exec.LookPath("setcap"); err != nil {
		t.Log("setcap not installed (package libcap2-bin): capabilities not checked")
		return
	}
	xattrs := []string{"--xattrs", "--xattrs-include=*", "--numeric-owner", "-tvvf"}
	wantListing(t, testutil.Shell(t, "tar", append(xattrs, kept)...), `(?m)^-rwxr-xr-x\* 0/0 .* ping\n  x: 20 security.capability$`)
	if listing := testutil.Shell(t, "tar", append(xattrs, root)...); strings.Contains(listing, "security.capability") {
		t.Errorf("tar without keep_owners recorded a capability:\n%s", listing)
	}
}

func TestCpioKeepOwners(t *testing.T) {
	src := ownedTree(t)
	out := filepath.Join(t.TempDir(), "kept.cpio")
	testutil.Must(t, RunCpio(request.Cpio{Src: src, Out: out, Epoch: 9, KeepOwners: true}))
	var want bytes.Buffer
	testutil.Must(t, WriteCpio(&want, src, Options{Epoch: 9}))
	if got, _ := os.ReadFile(out); !bytes.Equal(got, want.Bytes()) {
		t.Error("cpio keeping owners differs from archive.WriteCpio with host owners")
	}
}
