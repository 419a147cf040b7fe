package transit_test

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/ingraph/transit"
	"github.com/cairn-build/cairn/internal/ingraph/transit/transittest"
	"github.com/cairn-build/cairn/internal/testutil"
)

func open(t *testing.T, srv *transittest.Server, token string) (*transit.Client, error) {
	c := &transit.Client{Addr: srv.URL, Key: srv.Name, Token: token}
	return c, c.Open()
}

// A digest signed by the service verifies with openssl against the key's
// public half; the service saw that digest and nothing else; a changed
// digest does not verify.
func TestSignVerifiesWithOpenSSL(t *testing.T) {
	testutil.NeedTool(t, "openssl")
	srv := transittest.New(t, "release")
	c, err := open(t, srv, srv.Token)
	testutil.Must(t, err)
	if !reflect.DeepEqual(c.Public(), srv.Signer.Public()) || c.Version() != 1 {
		t.Fatalf("Open: public %v, version %d", c.Public(), c.Version())
	}
	digest := sha256.Sum256([]byte("SHA256SUMS of an image"))
	sig, err := c.Sign(nil, digest[:], crypto.SHA256)
	testutil.Must(t, err)
	if got := srv.Signed(); len(got) != 1 || string(got[0]) != string(digest[:]) {
		t.Errorf("the service was sent %x, want the digest alone", got)
	}
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		testutil.Must(t, os.WriteFile(p, data, 0o600))
		return p
	}
	pub, sigFile := write("pub.pem", srv.PublicPEM()), write("sig", sig)
	verify := func(d []byte) error {
		return exec.Command("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-pkeyopt", "digest:sha256",
			"-in", write("digest", d), "-sigfile", sigFile).Run()
	}
	if err := verify(digest[:]); err != nil {
		t.Errorf("openssl refused the service's signature: %v", err)
	}
	other := sha256.Sum256([]byte("another list"))
	if verify(other[:]) == nil {
		t.Error("openssl accepted the signature for another digest")
	}
}

// The client is a crypto.Signer: a certificate signed through it (as the
// secure-boot keys will be) verifies with openssl.
func TestSignerMakesCertificate(t *testing.T) {
	testutil.NeedTool(t, "openssl")
	srv := transittest.New(t, "db")
	c, err := open(t, srv, srv.Token)
	testutil.Must(t, err)
	epoch := time.Unix(315532800, 0)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "cairn test db"},
		NotBefore: epoch, NotAfter: epoch.AddDate(30, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature, SignatureAlgorithm: x509.SHA256WithRSA}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, c.Public(), c)
	testutil.Must(t, err)
	p := filepath.Join(t.TempDir(), "db.pem")
	testutil.Must(t, os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	if b, err := exec.Command("openssl", "verify", "-no_check_time", "-CAfile", p, p).CombinedOutput(); err != nil {
		t.Errorf("openssl verify: %v\n%s", err, b)
	}
}

// Errors name what went wrong: a refused token, an unknown key, a hash
// the client does not sign.
func TestTransitErrors(t *testing.T) {
	srv := transittest.New(t, "release")
	if _, err := open(t, srv, "wrong"); err == nil || !strings.Contains(err.Error(), "403 Forbidden: permission denied") {
		t.Errorf("wrong token: %v", err)
	}
	c := &transit.Client{Addr: srv.URL, Key: "nope", Token: srv.Token}
	if err := c.Open(); err == nil || !strings.Contains(err.Error(), "encryption key not found") {
		t.Errorf("unknown key: %v", err)
	}
	c, err := open(t, srv, srv.Token)
	testutil.Must(t, err)
	if _, err := c.Sign(nil, make([]byte, 48), crypto.SHA384); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("SHA-384: %v", err)
	}
	if len(srv.Signed()) != 0 {
		t.Error("the service signed something it should not have been sent")
	}
}
