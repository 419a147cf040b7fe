package authenticode_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/authenticode"
	"github.com/cairn-build/cairn/internal/ingraph/sshagent/agenttest"
	"github.com/cairn-build/cairn/internal/ingraph/transit"
	"github.com/cairn-build/cairn/internal/ingraph/transit/transittest"
	"github.com/cairn-build/cairn/internal/testutil"
)

func testPE(t *testing.T) []byte { return testutil.PE(t) }

func certFor(t *testing.T, signer crypto.Signer, name string) *x509.Certificate {
	return testutil.SelfSigned(t, signer, name)
}

// sbverify runs sbverify --cert on image, returning its output and error.
func sbverify(t *testing.T, cert *x509.Certificate, image []byte) (string, error) {
	t.Helper()
	dir := t.TempDir()
	cp, ip := filepath.Join(dir, "db.pem"), filepath.Join(dir, "image.efi")
	testutil.Must(t, os.WriteFile(cp, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600))
	testutil.Must(t, os.WriteFile(ip, image, 0o600))
	b, err := exec.Command("sbverify", "--cert", cp, ip).CombinedOutput()
	return string(b), err
}

func rsaKey(t *testing.T) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	testutil.Must(t, err)
	return k
}

// sbverify accepts the signed image with the signer's certificate, and
// refuses it with another certificate and once a byte of it changed. The
// same image, certificate and key sign to the same bytes; a signed image
// is not signed again.
func TestSbverifyAcceptsSignature(t *testing.T) {
	testutil.NeedTool(t, "sbverify")
	pe := testPE(t)
	key := rsaKey(t)
	cert := certFor(t, key, "cairn test db")
	signed, err := authenticode.Sign(pe, cert, key)
	testutil.Must(t, err)
	if out, err := sbverify(t, cert, signed); err != nil || !strings.Contains(out, "Signature verification OK") {
		t.Fatalf("sbverify refused the signed image: %v\n%s", err, out)
	}
	if out, err := sbverify(t, certFor(t, rsaKey(t), "another db"), signed); err == nil {
		t.Errorf("sbverify accepted the image with another certificate:\n%s", out)
	}
	tampered := bytes.Clone(signed)
	tampered[len(pe)/2] ^= 0xff
	if out, err := sbverify(t, cert, tampered); err == nil {
		t.Errorf("sbverify accepted a changed image:\n%s", out)
	}
	again, err := authenticode.Sign(pe, cert, key)
	testutil.Must(t, err)
	if !bytes.Equal(again, signed) {
		t.Error("signing twice gave different bytes")
	}
	if _, err := authenticode.Sign(signed, cert, key); err == nil || !strings.Contains(err.Error(), "signed already") {
		t.Errorf("signing a signed image: %v", err)
	}
	if _, err := authenticode.Sign(pe, cert, rsaKey(t)); err == nil || !strings.Contains(err.Error(), "does not match the certificate") {
		t.Errorf("a key that is not the certificate's: %v", err)
	}
	if _, err := authenticode.Sign([]byte("not a PE at all, just text long enough for a header......................"), cert, key); err == nil || !strings.Contains(err.Error(), "not a PE/COFF image") {
		t.Errorf("not a PE: %v", err)
	}
}

// Signed through a transit-compatible service, which is sent one SHA-256
// digest per signature and never the image or a key: sbverify accepts
// it.
func TestSignThroughTransit(t *testing.T) {
	testutil.NeedTool(t, "sbverify")
	srv := transittest.New(t, "secure-boot-db")
	c := &transit.Client{Addr: srv.URL, Key: srv.Name, Token: srv.Token}
	testutil.Must(t, c.Open())
	cert := certFor(t, c, "cairn transit db")
	pe := testPE(t)
	signed, err := authenticode.Sign(pe, cert, c)
	testutil.Must(t, err)
	if out, err := sbverify(t, cert, signed); err != nil || !strings.Contains(out, "Signature verification OK") {
		t.Fatalf("sbverify refused the image signed through transit: %v\n%s", err, out)
	}
	for _, d := range srv.Signed() {
		if len(d) != 32 {
			t.Errorf("the service was sent %d bytes, not a SHA-256 digest", len(d))
		}
	}
	if n := len(srv.Signed()); n != 2 {
		t.Errorf("the service signed %d digests, want 2 (the certificate and the image)", n)
	}
}

// TestSignThroughAgent signs with a key generated inside a softhsm2
// token and reached through OpenSSH's ssh-agent (ssh-add -s, PKCS#11):
// the certificate and the image are both signed on the token, and
// sbverify accepts the image.
func TestSignThroughAgent(t *testing.T) {
	testutil.NeedTool(t, "sbverify")
	_, s := agenttest.TokenSigner(t, "secure-boot-db")
	cert := certFor(t, s, "cairn agent db")
	signed, err := authenticode.Sign(testPE(t), cert, s)
	testutil.Must(t, err)
	if out, err := sbverify(t, cert, signed); err != nil || !strings.Contains(out, "Signature verification OK") {
		t.Fatalf("sbverify refused the image signed through the agent: %v\n%s", err, out)
	}
}
