package debrepo

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
)

const hostKeyringPath = "/usr/share/keyrings/debian-archive-keyring.gpg"

// hostKeyring reads the host's Debian archive keyring.
func hostKeyring(t *testing.T) openpgp.EntityList {
	t.Helper()
	data, err := os.ReadFile(hostKeyringPath)
	if err != nil {
		t.Skipf("no Debian keyring: %v", err)
	}
	kr, err := ReadKeyring(data)
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

// TestHostMirror fetches bookworm main amd64 from the mirror in the host's
// apt configuration, verified with the host's keyring, and checks the
// result against gpgv and apt's own lists.
func TestHostMirror(t *testing.T) {
	if testing.Short() {
		t.Skip("network test")
	}
	kr := hostKeyring(t)
	srcs, err := ReadHostSources("/")
	if err != nil {
		t.Fatal(err)
	}
	mirror, ok := MirrorFor(srcs, "bookworm")
	if !ok {
		t.Fatalf("no mirror for bookworm in the host's apt sources: %+v", srcs)
	}
	dir := filepath.Join(os.TempDir(), "cairn-test-cache", "debrepo")
	c := &Client{CacheDir: dir, Progress: func(m string) { t.Log(m) }}
	r := Repo{Name: "debian", Mirror: mirror, Suite: "bookworm", Components: []string{"main"},
		Arches: []string{"amd64"}, Keyring: kr, KeyringName: filepath.Base(hostKeyringPath)}
	idx, err := c.Fetch(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	checkHostIndexes(t, idx, kr)
	inRelease, err := os.ReadFile(cache{dir}.releaseKey(mirror, "bookworm"))
	if err != nil || sha256Hex(inRelease) != idx.ReleaseSHA256 {
		t.Fatalf("cached InRelease: %v (sha256 %s, want %s)", err, sha256Hex(inRelease), idx.ReleaseSHA256)
	}
	checkWithGpgv(t, inRelease, kr)
	compareWithApt(t, mirror, inRelease, idx.Files[0].Data)
}

// checkHostIndexes checks the signer and the decompressed index.
func checkHostIndexes(t *testing.T, idx *Indexes, kr openpgp.EntityList) {
	t.Helper()
	fpr := strings.Fields(idx.Signer)[0]
	known := false
	for _, e := range kr {
		known = known || strings.EqualFold(fpr, fmtFpr(e))
	}
	if !known || !strings.Contains(idx.Signer, "Debian") {
		t.Errorf("signer %q is not a key of %s", idx.Signer, hostKeyringPath)
	}
	if idx.Release.Codename != "bookworm" || len(idx.Files) == 0 {
		t.Fatalf("codename %q, %d files", idx.Release.Codename, len(idx.Files))
	}
	f := idx.Files[0]
	if f.Path != "main/binary-amd64/Packages.gz" || !bytes.HasPrefix(f.Data, []byte("Package: ")) {
		t.Errorf("%s: %d bytes starting %q", f.Path, len(f.Data), f.Data[:min(len(f.Data), 20)])
	}
	if want := idx.Release.SHA256["main/binary-amd64/Packages"]; want.Size != 0 && sha256Hex(f.Data) != want.SHA256 {
		t.Errorf("decompressed index does not match the Release's uncompressed sum")
	}
	if idx.Release.NoSupportForArchAll && len(idx.Files) != 1 {
		t.Errorf("fetched binary-all despite No-Support-for-Architecture-all: %d files", len(idx.Files))
	}
}

func fmtFpr(e *openpgp.Entity) string { return strings.Fields(describeKey(e))[0] }

// checkWithGpgv verifies the InRelease with gpgv too, then a copy with
// one byte changed, which both must reject.
func checkWithGpgv(t *testing.T, inRelease []byte, kr openpgp.EntityList) {
	t.Helper()
	if _, err := exec.LookPath("gpgv"); err != nil {
		t.Fatalf("gpgv (part of every apt install) not found: %v", err)
	}
	if out, err := gpgv(t, inRelease); err != nil {
		t.Fatalf("gpgv rejects what we accepted: %v\n%s", err, out)
	}
	i := bytes.Index(inRelease, []byte("\nOrigin: Debian")) + len("\nOrigin: Debia")
	tampered := bytes.Clone(inRelease)
	tampered[i] ^= 0x01 // "Debian" -> "Debiao"
	if out, err := gpgv(t, tampered); err == nil {
		t.Errorf("gpgv accepts a tampered InRelease:\n%s", out)
	}
	_, _, err := VerifyInRelease(tampered, kr)
	sigKind(t, err, BadSignature)
}

// gpgv runs gpgv on data with the host keyring.
func gpgv(t *testing.T, data []byte) ([]byte, error) {
	file := filepath.Join(t.TempDir(), "InRelease")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("gpgv", "--keyring", hostKeyringPath, file)
	cmd.Env = append(os.Environ(), "GNUPGHOME="+t.TempDir())
	return cmd.CombinedOutput()
}

// compareWithApt compares our index with apt's copy when apt's lists hold
// the same InRelease (the mirror may have moved on since apt-get update).
func compareWithApt(t *testing.T, mirror string, inRelease, data []byte) {
	t.Helper()
	_, rest, _ := strings.Cut(mirror, "://")
	prefix := "/var/lib/apt/lists/" + strings.ReplaceAll(rest, "/", "_") + "_dists_bookworm_"
	aptRelease, err := os.ReadFile(prefix + "InRelease")
	if err != nil || !bytes.Equal(aptRelease, inRelease) {
		t.Logf("apt's lists hold another InRelease (%v); not comparing indexes", err)
		return
	}
	lists, _ := filepath.Glob(prefix + "main_binary-amd64_Packages*")
	if len(lists) != 1 {
		t.Fatalf("apt lists: %v", lists)
	}
	aptData, err := exec.Command("/usr/lib/apt/apt-helper", "cat-file", lists[0]).Output()
	if err != nil {
		t.Fatalf("apt-helper cat-file %s: %v", lists[0], err)
	}
	if !bytes.Equal(aptData, data) {
		t.Errorf("our index (%d bytes) differs from apt's %s (%d bytes)", len(data), lists[0], len(aptData))
	}
	t.Logf("index identical to apt's %s", filepath.Base(lists[0]))
}
