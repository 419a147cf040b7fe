package sums

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/testutil"
)

// secretKey writes an armored, unprotected Ed25519 secret key.
func secretKey(t *testing.T) string {
	t.Helper()
	key, _ := testutil.SigningKey(t, "Test Images")
	p := filepath.Join(t.TempDir(), "key.asc")
	testutil.Must(t, os.WriteFile(p, key, 0o600))
	return p
}

// TestSignedSums: sha256sum -c accepts the list (a sparse file and a
// nested one included, a symlink left out), gpgv accepts the signature
// with the public key written beside it and refuses a changed list, and
// two runs give the same bytes.
func TestSignedSums(t *testing.T) {
	testutil.NeedTool(t, "gpgv")
	testutil.NeedTool(t, "sha256sum")
	src := t.TempDir()
	testutil.Must(t, os.MkdirAll(filepath.Join(src, "live"), 0o755))
	testutil.Must(t, os.WriteFile(filepath.Join(src, "live", "vmlinuz"), []byte("kernel"), 0o644))
	testutil.Must(t, os.WriteFile(filepath.Join(src, "disk.img"), []byte("boot"), 0o644))
	testutil.Must(t, os.Truncate(filepath.Join(src, "disk.img"), 64<<20))
	testutil.Must(t, os.Symlink("disk.img", filepath.Join(src, "latest.img")))
	key := secretKey(t)
	run := func() string {
		out := t.TempDir()
		testutil.Must(t, Run(request.Sums{Src: src, Out: out, Name: "SHA256SUMS", Key: key, Epoch: epoch.Default}))
		return out
	}
	out := run()
	list, err := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
	testutil.Must(t, err)
	if lines := strings.Split(strings.TrimSpace(string(list)), "\n"); len(lines) != 2 ||
		!strings.HasSuffix(lines[0], "  disk.img") || !strings.HasSuffix(lines[1], "  live/vmlinuz") {
		t.Fatalf("SHA256SUMS =\n%s\nwant disk.img and live/vmlinuz, sorted, without the symlink", list)
	}
	check := exec.Command("sha256sum", "--strict", "-c", filepath.Join(out, "SHA256SUMS"))
	check.Dir = src
	if b, err := check.CombinedOutput(); err != nil {
		t.Fatalf("sha256sum -c: %v\n%s", err, b)
	}
	keyring := filepath.Join(t.TempDir(), "key.gpg")
	dearmor := exec.Command("gpg", "--batch", "--dearmor", "-o", keyring, filepath.Join(out, request.SumsKeyFile))
	if b, err := dearmor.CombinedOutput(); err != nil {
		t.Skipf("gpg --dearmor: %v\n%s", err, b)
	}
	verify := func(list string) error {
		return exec.Command("gpgv", "--keyring", keyring, filepath.Join(out, "SHA256SUMS.sign"), list).Run()
	}
	if err := verify(filepath.Join(out, "SHA256SUMS")); err != nil {
		t.Errorf("gpgv refused the signature: %v", err)
	}
	tampered := filepath.Join(t.TempDir(), "SHA256SUMS")
	testutil.Must(t, os.WriteFile(tampered, bytes.Replace(list, []byte("disk.img"), []byte("disk.iso"), 1), 0o644))
	if verify(tampered) == nil {
		t.Error("gpgv accepted a changed list")
	}
	if b, err := exec.Command("diff", "-r", out, run()).CombinedOutput(); err != nil {
		t.Errorf("two runs differ: %v\n%s", err, b)
	}
}

// A list that would replace a file of the contents is refused.
func TestSumsRefuseToReplace(t *testing.T) {
	src := t.TempDir()
	testutil.Must(t, os.WriteFile(filepath.Join(src, "SHA256SUMS"), []byte("old"), 0o644))
	err := Run(request.Sums{Src: src, Out: t.TempDir(), Name: "SHA256SUMS", Epoch: epoch.Default})
	if err == nil || !strings.Contains(err.Error(), "already hold SHA256SUMS") {
		t.Errorf("error %v, want one saying the contents hold SHA256SUMS", err)
	}
}

// Without a key, only the list is written.
func TestUnsignedSums(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	testutil.Must(t, os.WriteFile(filepath.Join(src, "a"), []byte("a"), 0o644))
	testutil.Must(t, Run(request.Sums{Src: src, Out: out, Name: "SUMS", Epoch: epoch.Default}))
	entries, err := os.ReadDir(out)
	testutil.Must(t, err)
	if len(entries) != 1 || entries[0].Name() != "SUMS" {
		t.Errorf("wrote %v, want SUMS alone", entries)
	}
}

// A step compiled for one key refuses another under the same secret.
func TestSumsRefuseAnotherKey(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	testutil.Must(t, os.WriteFile(filepath.Join(src, "a"), []byte("a"), 0o644))
	err := Run(request.Sums{Src: src, Out: out, Name: "SUMS", Key: secretKey(t), KeyID: "0123456789ABCDEF0123456789ABCDEF01234567", Epoch: epoch.Default})
	if err == nil || !strings.Contains(err.Error(), "compiled for key 0123456789ABCDEF") {
		t.Errorf("error %v, want one naming both keys", err)
	}
}
