package main

// efi_sign(): a PE/COFF image signed inside the build with a key given as
// a secret; sbverify accepts it with the certificate, the build is
// reproducible, and a key that is not the certificate's fails the step
// with a message naming the mismatch.

import (
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/sshagent/agenttest"
	"github.com/cairn-build/cairn/internal/testutil"
)

const efiSignRecipe = `
target("boot", files({"EFI/BOOT/BOOTX64.EFI": efi_sign("boot/grub.efi", key = secret("db-key"), cert = "keys/db.pem")}))
`

func TestEFISign(t *testing.T) {
	if _, err := exec.LookPath("sbverify"); err != nil {
		t.Skip("sbverify not installed (make setup)")
	}
	c := shared(t)
	proj := newProject(t, efiSignRecipe)
	for _, d := range []string{"boot", "keys"} {
		testutil.Must(t, os.MkdirAll(filepath.Join(proj, d), 0o755))
	}
	writeFile(t, filepath.Join(proj, "boot", "grub.efi"), string(testutil.PE(t)))
	keyPEM, certPEM := testutil.RSACert(t, "cairn test db")
	writeFile(t, filepath.Join(proj, "keys", "db.pem"), string(certPEM))
	keyFile := filepath.Join(t.TempDir(), "db.key")
	writeFile(t, keyFile, string(keyPEM))
	recipe := filepath.Join(proj, "cairn.star")
	build := func(out string) result {
		return c.run(t, "build", "-f", recipe, "-o", out, "--progress", "plain", "--secret", "id=db-key,src="+keyFile)
	}
	out := filepath.Join(t.TempDir(), "out")
	if r := build(out); r.code != 0 {
		t.Fatalf("%s", r)
	}
	signed := filepath.Join(out, "boot", "EFI", "BOOT", "BOOTX64.EFI")
	if b, err := exec.Command("sbverify", "--cert", filepath.Join(proj, "keys", "db.pem"), signed).CombinedOutput(); err != nil {
		t.Fatalf("sbverify refused the signed image: %v\n%s", err, b)
	}
	if fileHolding(t, out, keyPEM[40:90]) != "" {
		t.Error("the output holds the private key")
	}
	// Another key under the same secret name, the certificate unchanged,
	// a new image: the step refuses the key.
	otherPEM, _ := testutil.RSACert(t, "someone else")
	writeFile(t, keyFile, string(otherPEM))
	writeFile(t, filepath.Join(proj, "boot", "grub.efi"), string(append(testutil.PE(t), 0)))
	r := build(filepath.Join(t.TempDir(), "out"))
	t.Logf("the mismatch, as the user sees it:\n%s", clip(r.stderr))
	if r.code == 0 || !strings.Contains(r.stderr, `the key given as secret "db-key" is not the key of certificate "CN=cairn test db"`) || !strings.Contains(r.stderr, "cairn.star:2") {
		t.Errorf("a key that is not the certificate's: exit %d, want a failure naming the mismatch and the recipe line\n%s", r.code, clip(r.stderr))
	}
	os.Remove(keyFile)
}

// TestEFISignThroughAgent signs with a key generated inside a softhsm2
// token, reached by OpenSSH's ssh-agent through PKCS#11 (ssh-add -s) on
// this side of the session and forwarded with --ssh: neither the key nor
// the PIN reaches the engine. sbverify accepts the result, which is the
// same bytes as signing with the key in hand would give (no signing
// time). An agent without the certificate's key fails the step naming
// what it holds; a key file given with --ssh ID=FILE signs too, kept on
// the client by BuildKit's own agent.
func TestEFISignThroughAgent(t *testing.T) {
	testutil.NeedTool(t, "sbverify")
	c := shared(t)
	a, s := agenttest.TokenSigner(t, "secure-boot-db")
	cert := testutil.SelfSigned(t, s, "cairn hsm db") // signed on the token too

	proj := newProject(t, strings.ReplaceAll(efiSignRecipe, `secret("db-key")`, `ssh_agent("hsm")`))
	for _, d := range []string{"boot", "keys"} {
		testutil.Must(t, os.MkdirAll(filepath.Join(proj, d), 0o755))
	}
	writeFile(t, filepath.Join(proj, "boot", "grub.efi"), string(testutil.PE(t)))
	certFile := filepath.Join(proj, "keys", "db.pem")
	writeFile(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})))
	recipe := filepath.Join(proj, "cairn.star")
	out := filepath.Join(t.TempDir(), "out")
	r := c.run(t, "build", "-f", recipe, "-o", out, "--progress", "plain", "--ssh", "hsm="+a.Socket)
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	if !strings.Contains(r.stderr, "efi_sign grub.efi (ssh agent hsm)") {
		t.Errorf("no signing step named for the agent:\n%s", clip(r.stderr))
	}
	signed := filepath.Join(out, "boot", "EFI", "BOOT", "BOOTX64.EFI")
	if b, err := exec.Command("sbverify", "--cert", certFile, signed).CombinedOutput(); err != nil {
		t.Fatalf("sbverify refused the image signed on the token: %v\n%s", err, b)
	}

	// An agent holding another key: the step names what it holds.
	keyPEM, _ := testutil.RSACert(t, "someone else")
	other := agenttest.Start(t, os.Environ())
	keyFile := filepath.Join(t.TempDir(), "other.key")
	writeFile(t, keyFile, string(keyPEM))
	other.AddKey(t, keyFile)
	writeFile(t, filepath.Join(proj, "boot", "grub.efi"), string(append(testutil.PE(t), 1)))
	r = c.run(t, "build", "-f", recipe, "-o", filepath.Join(t.TempDir(), "out"), "--progress", "plain", "--ssh", "hsm="+other.Socket)
	if r.code == 0 || !strings.Contains(r.stderr, `the ssh agent "hsm" holds no key of certificate "CN=cairn hsm db"`) || !strings.Contains(r.stderr, "cairn.star:2") {
		t.Errorf("an agent without the key: exit %d, want a failure naming the agent, the certificate and the recipe line\n%s", r.code, clip(r.stderr))
	}

	// A key file through --ssh ID=FILE: BuildKit's agent on the client.
	keyPEM, certPEM := testutil.RSACert(t, "cairn file db")
	writeFile(t, keyFile, string(keyPEM))
	writeFile(t, certFile, string(certPEM))
	out = filepath.Join(t.TempDir(), "out")
	if r := c.run(t, "build", "-f", recipe, "-o", out, "--progress", "plain", "--ssh", "hsm="+keyFile); r.code != 0 {
		t.Fatalf("%s", r)
	}
	if b, err := exec.Command("sbverify", "--cert", certFile, filepath.Join(out, "boot", "EFI", "BOOT", "BOOTX64.EFI")).CombinedOutput(); err != nil {
		t.Fatalf("sbverify refused the image signed through --ssh ID=FILE: %v\n%s", err, b)
	}
}
