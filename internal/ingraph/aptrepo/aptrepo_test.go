package aptrepo

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

// makeDeb builds a tiny package with the real dpkg-deb.
func makeDeb(t *testing.T, dir, name, version, arch string) {
	t.Helper()
	root := filepath.Join(t.TempDir(), name)
	testutil.Must(t, os.MkdirAll(filepath.Join(root, "DEBIAN"), 0o755))
	testutil.Must(t, os.MkdirAll(filepath.Join(root, "usr/share/doc", name), 0o755))
	testutil.Must(t, os.WriteFile(filepath.Join(root, "usr/share/doc", name, "README"), []byte(name+"\n"), 0o644))
	control := "Package: " + name + "\nVersion: " + version + "\nArchitecture: " + arch +
		"\nMaintainer: Test <t@example.org>\nDescription: test package\n a package for tests\n"
	testutil.Must(t, os.WriteFile(filepath.Join(root, "DEBIAN/control"), []byte(control), 0o644))
	cmd := exec.Command("dpkg-deb", "--root-owner-group", "-Zgzip", "--build", root, filepath.Join(dir, name+"_"+version+"_"+arch+".deb"))
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH=315532800")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb: %v\n%s", err, b)
	}
}

// secretKey writes an armored, unprotected Ed25519 secret key.
func secretKey(t *testing.T, dir string) string {
	t.Helper()
	key, _ := testutil.SigningKey(t, "Test Repo")
	p := filepath.Join(dir, "key.asc")
	testutil.Must(t, os.WriteFile(p, key, 0o600))
	return p
}

func writeRepo(t *testing.T, in, key string) string {
	t.Helper()
	out := t.TempDir()
	testutil.Must(t, Run(request.AptRepo{In: []string{in}, Out: out, Suite: "cairn", Component: "main", Origin: "cairn", Key: key, Epoch: epoch.Default}))
	return out
}

// TestAptAcceptsRepository: the real apt reads the repository with the
// public key as Signed-By, finds the packages, and refuses it once
// Packages or InRelease is tampered with. Two runs give the same bytes.
func TestAptAcceptsRepository(t *testing.T) {
	testutil.NeedTool(t, "dpkg-deb")
	testutil.NeedTool(t, "apt-get")
	in := t.TempDir()
	makeDeb(t, in, "hello", "2.10-3+cairn1", "amd64")
	makeDeb(t, in, "hello-doc", "2.10-3+cairn1", "all")
	key := secretKey(t, t.TempDir())
	out := writeRepo(t, in, key)
	if b, err := exec.Command("diff", "-r", out, writeRepo(t, in, key)).CombinedOutput(); err != nil {
		t.Fatalf("two runs differ: %v\n%s", err, b)
	}
	for _, f := range []string{"pool/main/h/hello/hello_2.10-3+cairn1_amd64.deb", "dists/cairn/Release", "dists/cairn/InRelease",
		"dists/cairn/Release.gpg", "dists/cairn/main/binary-amd64/Packages.xz", "dists/cairn/main/binary-amd64/Packages.gz", request.KeyFile} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if got := apt(t, out); !strings.Contains(got, "hello-doc") || !strings.Contains(got, "2.10-3+cairn1") {
		t.Errorf("apt-cache does not list the packages:\n%s", got)
	}

	// Tampering: apt refuses a changed index and a changed InRelease.
	// Every copy of the index, by-hash ones included (apt fetches those).
	testutil.Must(t, filepath.Walk(filepath.Join(out, "dists/cairn/main/binary-amd64"), func(f string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, _ := os.ReadFile(f)
		if bytes.Contains(data, []byte("test package")) {
			data = bytes.Replace(data, []byte("test package"), []byte("evil package"), 1)
		} else {
			data = append(data[:len(data)-2], 0, 0)
		}
		return os.WriteFile(f, data, 0o644)
	}))
	if got, err := aptUpdate(t, out); err == nil || !strings.Contains(got, "Hash Sum mismatch") && !strings.Contains(got, "File has unexpected size") {
		t.Errorf("apt accepted a tampered Packages (err %v):\n%s", err, got)
	}
	out = writeRepo(t, in, key)
	ir := filepath.Join(out, "dists/cairn/InRelease")
	data, _ := os.ReadFile(ir)
	testutil.Must(t, os.WriteFile(ir, bytes.Replace(data, []byte("Origin: cairn"), []byte("Origin: evil!"), 1), 0o644))
	testutil.Must(t, os.Remove(filepath.Join(out, "dists/cairn/Release.gpg")))
	if got, err := aptUpdate(t, out); err == nil || !strings.Contains(got, "BADSIG") && !strings.Contains(got, "not signed") && !strings.Contains(got, "invalid") {
		t.Errorf("apt accepted a tampered InRelease (err %v):\n%s", err, got)
	}
}

// TestUnsigned: without a key there is no InRelease, Release.gpg or
// public key, and apt refuses the repository unless it is trusted.
func TestUnsigned(t *testing.T) {
	testutil.NeedTool(t, "dpkg-deb")
	testutil.NeedTool(t, "apt-get")
	in := t.TempDir()
	makeDeb(t, in, "hello", "1.0", "amd64")
	out := writeRepo(t, in, "")
	for _, f := range []string{"dists/cairn/InRelease", "dists/cairn/Release.gpg", request.KeyFile} {
		if _, err := os.Stat(filepath.Join(out, f)); err == nil {
			t.Errorf("an unsigned repository has %s", f)
		}
	}
	if got, err := aptUpdate(t, out); err == nil {
		t.Errorf("apt accepted an unsigned repository:\n%s", got)
	}
}

func TestRefusesBadKeys(t *testing.T) {
	testutil.NeedTool(t, "dpkg-deb")
	in := t.TempDir()
	makeDeb(t, in, "hello", "1.0", "amd64")
	bad := filepath.Join(t.TempDir(), "bad.asc")
	testutil.Must(t, os.WriteFile(bad, []byte("not a key"), 0o600))
	err := Run(request.AptRepo{In: []string{in}, Out: t.TempDir(), Suite: "s", Component: "main", Origin: "o", Key: bad, Epoch: epoch.Default})
	if err == nil || !strings.Contains(err.Error(), "not an OpenPGP secret key") {
		t.Errorf("bad key: %v", err)
	}
	empty := t.TempDir()
	err = Run(request.AptRepo{In: []string{empty}, Out: t.TempDir(), Suite: "s", Component: "main", Origin: "o", Epoch: epoch.Default})
	if err == nil || !strings.Contains(err.Error(), "no .deb files") {
		t.Errorf("no packages: %v", err)
	}
}

// aptUpdate runs apt-get update against the repository, with its public
// key (when it has one) as Signed-By.
func aptUpdate(t *testing.T, repo string) (string, error) {
	t.Helper()
	key := filepath.Join(repo, request.KeyFile)
	if _, err := os.Stat(key); err != nil {
		key = ""
	}
	out, _, err := testutil.AptUpdate(t, repo, "cairn", "main", key)
	return out, err
}

func apt(t *testing.T, repo string) string {
	t.Helper()
	out, state, err := testutil.AptUpdate(t, repo, "cairn", "main", filepath.Join(repo, request.KeyFile))
	if err != nil {
		t.Fatalf("apt-get update: %v\n%s", err, out)
	}
	return testutil.AptCache(t, state, "dumpavail")
}
