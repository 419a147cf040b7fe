// Package testutil holds the few helpers every package's tests need (fail
// on an error, skip without root or a witness tool, run a witness), so that
// each package's tests do not carry their own copy. Only tests import it.
package testutil

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Must fails tb when err is not nil.
func Must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// NeedRoot skips tb unless it runs as root (device nodes, foreign owners,
// mounts).
func NeedRoot(tb testing.TB) {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("needs root (device nodes, owners)")
	}
}

// NeedTool skips tb when the command name is not installed (`make setup`
// installs every tool the tests use as a witness).
func NeedTool(tb testing.TB, name string) {
	tb.Helper()
	if _, err := exec.LookPath(name); err != nil {
		tb.Skipf("%s not found (make setup installs it)", name)
	}
}

// Run runs name with args in dir ("" for the current one) and returns its
// standard output, failing tb with the command and its standard error when
// it fails.
func Run(tb testing.TB, dir, name string, args ...string) string {
	tb.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// Shell runs a host witness tool (skipping tb when it is not installed)
// in the UTC time zone and the C locale, and returns its combined output,
// failing tb when it fails.
func Shell(tb testing.TB, name string, args ...string) string {
	tb.Helper()
	NeedTool(tb, name)
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "TZ=UTC", "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("%s %q: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// DirContents lists every regular file below root, one line each: its
// path relative to root and its content (invalid UTF-8 as "?").
func DirContents(tb testing.TB, root string) string {
	tb.Helper()
	var b bytes.Buffer
	Must(tb, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		b.WriteString(rel + " " + string(bytes.ToValidUTF8(data, []byte("?"))) + "\n")
		return err
	}))
	return b.String()
}

// SigningKey returns a new armored, unprotected Ed25519 OpenPGP secret
// key for name, as a recipe's signer secret holds one, and its hex
// fingerprint.
func SigningKey(tb testing.TB, name string) (key []byte, fingerprint string) {
	tb.Helper()
	e, err := openpgp.NewEntity(name, "", "signer@example.org", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	Must(tb, err)
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PrivateKeyType, nil)
	Must(tb, err)
	Must(tb, e.SerializePrivate(w, nil))
	Must(tb, w.Close())
	return b.Bytes(), fmt.Sprintf("%X", e.PrimaryKey.Fingerprint)
}

var (
	peOnce sync.Once
	peData []byte
	peErr  error
)

// PE returns a small PE32+ image to sign: a Go program built for
// windows/amd64, which is the PE/COFF format of an EFI application too
// (sbverify and osslsigncode check either). Built once per test binary.
func PE(tb testing.TB) []byte {
	tb.Helper()
	peOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cairn-pe")
		if err != nil {
			peErr = err
			return
		}
		defer os.RemoveAll(dir)
		os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() { println(\"boot\") }\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module pe\n\ngo 1.21\n"), 0o644)
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w -buildid=", "-o", "pe.exe", ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=")
		if b, err := cmd.CombinedOutput(); err != nil {
			peErr = fmt.Errorf("go build for windows/amd64: %w\n%s", err, b)
			return
		}
		peData, peErr = os.ReadFile(filepath.Join(dir, "pe.exe"))
	})
	if peErr != nil {
		tb.Fatalf("building a PE to sign: %v", peErr)
	}
	return peData
}

// RSACert returns, as PEM, a new 2048-bit RSA key and a self-signed
// code-signing certificate for it (a Secure Boot db entry).
func RSACert(tb testing.TB, name string) (keyPEM, certPEM []byte) {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	Must(tb, err)
	cert := SelfSigned(tb, key, name)
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
}

// SelfSigned returns a code-signing certificate for signer's key, signed
// by signer itself.
func SelfSigned(tb testing.TB, signer crypto.Signer, name string) *x509.Certificate {
	tb.Helper()
	epoch := time.Unix(315532800, 0)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: name},
		NotBefore: epoch, NotAfter: epoch.AddDate(50, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}, SignatureAlgorithm: x509.SHA256WithRSA}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, signer.Public(), signer)
	Must(tb, err)
	cert, err := x509.ParseCertificate(der)
	Must(tb, err)
	return cert
}
