package main

// efi_sign(): a PE/COFF image signed inside the build with a key given as
// a secret; sbverify accepts it with the certificate, the build is
// reproducible, and a key that is not the certificate's fails the step
// with a message naming the mismatch.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
