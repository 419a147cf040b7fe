package main

// Signed checksums beside an output: sha256sum and gpgv accept them; a
// new key under the same secret name signs again (the step is keyed by
// the key's fingerprint, not its value); the secret key is in none of
// the graph, the progress, the output or the build record.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/transit/transittest"
	"github.com/cairn-build/cairn/internal/testutil"
)

const checksumsRecipe = `
release = files({"live/vmlinuz": "a kernel\n", "README": "the image\n"})
target("release", checksums(release, signer = secret("release-key")))
`

func TestSignedChecksums(t *testing.T) {
	for _, tool := range []string{"gpg", "gpgv", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (make setup)", tool)
		}
	}
	c := shared(t)
	proj := newProject(t, checksumsRecipe)
	recipe := filepath.Join(proj, "cairn.star")
	keyFile := filepath.Join(t.TempDir(), "release.asc")
	verify := func(key []byte) string {
		t.Helper()
		writeFile(t, keyFile, string(key))
		out := filepath.Join(t.TempDir(), "out")
		r := c.ok(t, "build", "-f", recipe, "-o", out, "--progress", "plain", "--secret", "id=release-key,src="+keyFile)
		dir := filepath.Join(out, "release")
		check := exec.Command("sha256sum", "--strict", "-c", "SHA256SUMS")
		check.Dir = dir
		if b, err := check.CombinedOutput(); err != nil {
			t.Fatalf("sha256sum -c: %v\n%s", err, b)
		}
		keyring := filepath.Join(t.TempDir(), "key.gpg")
		run(t, "gpg", "--batch", "--dearmor", "-o", keyring, filepath.Join(dir, "signing-key.asc"))
		if b, err := exec.Command("gpgv", "--keyring", keyring, filepath.Join(dir, "SHA256SUMS.sign"), filepath.Join(dir, "SHA256SUMS")).CombinedOutput(); err != nil {
			t.Fatalf("gpgv refused SHA256SUMS.sign: %v\n%s", err, b)
		}
		if sums := readFile(t, filepath.Join(dir, "SHA256SUMS")); !strings.Contains(sums, "  README\n") || !strings.Contains(sums, "  live/vmlinuz\n") {
			t.Errorf("SHA256SUMS =\n%s", sums)
		}
		// The private key's armored body is nowhere but the key file.
		body := string(key[bytes.Index(key, []byte("\n\n"))+2 : bytes.Index(key, []byte("\n-----END"))])
		graph := c.ok(t, "graph", "-f", recipe, "release").stdout
		for what, b := range map[string][]byte{
			"cairn graph":  []byte(graph),
			"progress":     []byte(r.stdout + r.stderr),
			"output":       treeBytes(t, dir, false),
			"build record": []byte(readFile(t, filepath.Join(out, "release.cairn.json"))),
		} {
			for _, line := range strings.Split(body, "\n")[:3] {
				if len(line) > 20 && bytes.Contains(b, []byte(line)) {
					t.Errorf("%s holds the secret key's material %q", what, line)
				}
			}
		}
		return readFile(t, filepath.Join(dir, "SHA256SUMS.sign"))
	}
	key1, _ := testutil.SigningKey(t, "Release 1")
	key2, _ := testutil.SigningKey(t, "Release 2")
	first := verify(key1)
	second := verify(key2)
	if first == second {
		t.Error("a new key under the same secret name gave the cached signature")
	}
	os.Remove(keyFile)
}

// TestSignedChecksumsTransit: the same list signed by a key kept in a
// signing service (transittest, the key in softhsm2), named by its
// OpenPGP certificate in the project; gpgv accepts the signature with the
// certificate, and the token reaches no output.
func TestSignedChecksumsTransit(t *testing.T) {
	c := shared(t)
	svc := transittest.New(t, "release")
	recipe := strings.Replace(checksumsRecipe, `signer = secret("release-key")`,
		`signer = signer.transit(url = "`+svc.URL+`", key = "release", token = secret("vault-token"), openpgp = "release.asc")`, 1)
	proj := newProject(t, recipe)
	cert := filepath.Join(proj, "release.asc")
	writeFile(t, cert, string(svc.OpenPGPCert(t, "cairn release")))
	token := filepath.Join(t.TempDir(), "token")
	writeFile(t, token, svc.Token)
	out := filepath.Join(t.TempDir(), "out")
	r := c.ok(t, "build", "-f", filepath.Join(proj, "cairn.star"), "-o", out, "--progress", "plain", "--secret", "id=vault-token,src="+token)
	dir := filepath.Join(out, "release")
	keyring := filepath.Join(t.TempDir(), "key.gpg")
	run(t, "gpg", "--batch", "--dearmor", "-o", keyring, cert)
	if b, err := exec.Command("gpgv", "--keyring", keyring, filepath.Join(dir, "SHA256SUMS.sign"), filepath.Join(dir, "SHA256SUMS")).CombinedOutput(); err != nil {
		t.Fatalf("gpgv refused SHA256SUMS.sign made through the service: %v\n%s", err, b)
	}
	if got := len(svc.Signed()); got != 1 {
		t.Errorf("the service signed %d digests, want 1", got)
	}
	if f := fileHolding(t, out, []byte(svc.Token)); f != "" || strings.Contains(r.stdout+r.stderr, svc.Token) {
		t.Errorf("the token reached the output (%s) or the log", f)
	}
}
