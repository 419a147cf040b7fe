package dsse_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/cms"
	"github.com/cairn-build/cairn/internal/ingraph/dsse"
	ssldsse "github.com/secure-systems-lab/go-securesystemslib/dsse"
)

func keyAndCert(t *testing.T) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "attest test"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return k, c
}

// verifier is an RSA PKCS#1 v1.5 SHA-256 verifier for the secure
// systems lab's own envelope code.
type verifier struct {
	pub   *rsa.PublicKey
	keyID string
}

func (v verifier) Verify(_ context.Context, data, sig []byte) error {
	h := sha256.Sum256(data)
	return rsa.VerifyPKCS1v15(v.pub, crypto.SHA256, h[:], sig)
}
func (v verifier) KeyID() (string, error)   { return v.keyID, nil }
func (v verifier) Public() crypto.PublicKey { return v.pub }

const statement = `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"00"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}}`

// TestSignVerifies: the secure systems lab's DSSE verifier accepts the
// envelope and returns the statement; openssl accepts the signature over
// the PAE; the same statement signs to the same bytes; a tampered
// payload is refused.
func TestSignVerifies(t *testing.T) {
	k, cert := keyAndCert(t)
	line, err := dsse.Sign([]byte(statement), cert, k)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := dsse.Sign([]byte(statement), cert, k); !bytes.Equal(again, line) {
		t.Fatal("signing twice gives different envelopes")
	}
	var env ssldsse.Envelope
	if err := json.Unmarshal(line, &env); err != nil {
		t.Fatal(err)
	}
	if want, _ := ssldsse.SHA256KeyID(&k.PublicKey); dsse.KeyID(cert) != want {
		t.Errorf("key ID %q, the reference implementation's %q", dsse.KeyID(cert), want)
	}
	// A verifier given no key ID derives it as the reference does.
	ev, err := ssldsse.NewEnvelopeVerifier(verifier{&k.PublicKey, ""})
	if err != nil {
		t.Fatal(err)
	}
	accepted, body, err := ev.VerifyAndDecode(context.Background(), &env)
	if err != nil || len(accepted) != 1 || string(body) != statement {
		t.Fatalf("verify: %v, %d keys, body %q", err, len(accepted), body)
	}
	if !bytes.Equal(ssldsse.PAE(env.PayloadType, body), dsse.PAE(env.PayloadType, body)) {
		t.Fatal("PAE differs from the reference implementation's")
	}

	if _, err := exec.LookPath("openssl"); err == nil {
		dir := t.TempDir()
		var parsed dsse.Envelope
		if err := json.Unmarshal(line, &parsed); err != nil {
			t.Fatal(err)
		}
		pub, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
		files := map[string][]byte{
			"pub.pem": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}),
			"sig":     parsed.Signatures[0].Sig,
			"pae":     dsse.PAE(parsed.PayloadType, parsed.Payload),
		}
		for n, b := range files {
			if err := os.WriteFile(filepath.Join(dir, n), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		out, err := exec.Command("openssl", "dgst", "-sha256", "-verify", filepath.Join(dir, "pub.pem"),
			"-signature", filepath.Join(dir, "sig"), filepath.Join(dir, "pae")).CombinedOutput()
		if err != nil {
			t.Fatalf("openssl: %v\n%s", err, out)
		}
	}

	env.Payload = base64.StdEncoding.EncodeToString(bytes.Replace(body, []byte(`"00"`), []byte(`"01"`), 1))
	if _, err := ev.Verify(context.Background(), &env); err == nil {
		t.Fatal("a tampered payload verified")
	}
}

func TestSignRefuses(t *testing.T) {
	k, cert := keyAndCert(t)
	other, _ := keyAndCert(t)
	if _, err := dsse.Sign([]byte(statement), cert, other); !errors.Is(err, cms.ErrKeyMismatch) {
		t.Fatalf("another key: %v", err)
	}
	if _, err := dsse.Sign([]byte("not json"), cert, k); err == nil {
		t.Fatal("signed what is not JSON")
	}
}
