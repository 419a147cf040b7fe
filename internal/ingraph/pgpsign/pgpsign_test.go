package pgpsign_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/ingraph/pgpsign"
	"github.com/cairn-build/cairn/internal/ingraph/transit"
	"github.com/cairn-build/cairn/internal/ingraph/transit/transittest"
	"github.com/cairn-build/cairn/internal/testutil"
)

// TestSignThroughTransit: OpenPGP signatures made by a key that stays in
// a signing service (transittest, its key in softhsm2), published as an
// OpenPGP certificate; gpgv accepts the detached and the clear-signed
// forms, and another key's certificate is refused.
func TestSignThroughTransit(t *testing.T) {
	testutil.NeedTool(t, "gpgv")
	srv := transittest.New(t, "release")
	c := &transit.Client{Addr: srv.URL, Key: "release", Token: srv.Token}
	testutil.Must(t, c.Open())
	cert := srv.OpenPGPCert(t, "cairn release")
	s, err := pgpsign.FromSigner(cert, c, epoch.Epoch(1700000000))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		testutil.Must(t, os.WriteFile(p, data, 0o644))
		return p
	}
	text := []byte("SHA256SUMS of something\n")
	det, err := s.Detached(bytes.NewReader(text))
	testutil.Must(t, err)
	clear, err := s.ClearSign(text)
	testutil.Must(t, err)
	pub, err := s.PublicKey()
	testutil.Must(t, err)
	keyring := filepath.Join(dir, "release.gpg")
	dearmor := exec.Command("gpg", "--batch", "--dearmor", "--output", keyring, write("release.asc", pub))
	dearmor.Env = append(os.Environ(), "GNUPGHOME="+dir)
	if out, err := dearmor.CombinedOutput(); err != nil {
		t.Fatalf("gpg --dearmor: %v\n%s", err, out)
	}
	for _, args := range [][]string{{write("SUMS.sign", det), write("SUMS", text)}, {write("InRelease", clear)}} {
		if out, err := exec.Command("gpgv", append([]string{"--keyring", keyring}, args...)...).CombinedOutput(); err != nil {
			t.Errorf("gpgv %v: %v\n%s", args, err, out)
		}
	}
	if got := len(srv.Signed()); got != 2 {
		t.Errorf("the service signed %d digests, want one per signature (2)", got)
	}
	other := transittest.New(t, "other")
	if _, err := pgpsign.FromSigner(other.OpenPGPCert(t, "someone else"), c, epoch.Epoch(1700000000)); err == nil || !strings.Contains(err.Error(), "is not of the signing service's key") {
		t.Errorf("another key's certificate: %v", err)
	}
}
