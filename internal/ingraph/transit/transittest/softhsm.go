package transittest

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// softhsmModule is Debian's softhsm2 PKCS#11 module.
const softhsmModule = "/usr/lib/softhsm/libsofthsm2.so"

// Token is an RSA key generated inside a softhsm2 token of its own,
// reached through PKCS#11 by OpenSC's pkcs11-tool: the private key never
// leaves the token, so the service signs as a service backed by an HSM
// does. It is a crypto.Signer for SHA-256 digests, PKCS#1 v1.5.
type Token struct {
	dir    string
	env    []string
	public *rsa.PublicKey
	mu     sync.Mutex // one pkcs11-tool session at a time
}

const (
	tokenLabel = "cairn-transit"
	tokenPIN   = "1234"
	keyID      = "01"
)

// NewToken initialises a token and generates a 2048-bit RSA key in it.
func NewToken(tb testing.TB, name string) *Token { return newToken(tb, name, "") }

// ImportToken initialises a token holding the RSA key of the PKCS#8 PEM
// file keyFile (softhsm2-util --import), as a key provisioned onto an HSM
// is: a demo key the same tests also use as a file.
func ImportToken(tb testing.TB, name, keyFile string) *Token { return newToken(tb, name, keyFile) }

func newToken(tb testing.TB, name, keyFile string) *Token {
	tb.Helper()
	for _, tool := range []string{"softhsm2-util", "pkcs11-tool"} {
		if _, err := exec.LookPath(tool); err != nil {
			tb.Fatalf("%s not found: run make setup (Debian packages softhsm2, opensc)", tool)
		}
	}
	t := &Token{dir: tb.TempDir()}
	conf := filepath.Join(t.dir, "softhsm2.conf")
	if err := os.MkdirAll(filepath.Join(t.dir, "tokens"), 0o700); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+filepath.Join(t.dir, "tokens")+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	t.env = append(os.Environ(), "SOFTHSM2_CONF="+conf)
	create := t.tool("--login", "--pin", tokenPIN, "--keypairgen", "--key-type", "rsa:2048", "--id", keyID, "--label", name)
	if keyFile != "" {
		create = []string{"softhsm2-util", "--import", keyFile, "--token", tokenLabel, "--label", name, "--id", keyID, "--pin", tokenPIN}
	}
	steps := [][]string{
		{"softhsm2-util", "--init-token", "--free", "--label", tokenLabel, "--pin", tokenPIN, "--so-pin", "12345678"},
		create,
		t.tool("--read-object", "--type", "pubkey", "--id", keyID, "--output-file", filepath.Join(t.dir, "pub.der")),
	}
	for _, args := range steps {
		if _, err := t.run(args, nil); err != nil {
			tb.Fatal(err)
		}
	}
	der, err := os.ReadFile(filepath.Join(t.dir, "pub.der"))
	if err != nil {
		tb.Fatal(err)
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		pub, err = x509.ParsePKCS1PublicKey(der)
	}
	rsaPub, ok := pub.(*rsa.PublicKey)
	if err != nil || !ok {
		tb.Fatalf("softhsm2 public key: %v (%T)", err, pub)
	}
	t.public = rsaPub
	return t
}

func (t *Token) tool(args ...string) []string {
	return append([]string{"pkcs11-tool", "--module", softhsmModule, "--token-label", tokenLabel}, args...)
}

func (t *Token) run(args []string, stdin []byte) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = t.env
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w\n%s", filepath.Base(args[0]), args[1], err, stderr.Bytes())
	}
	return out, nil
}

// Public implements crypto.Signer.
func (t *Token) Public() crypto.PublicKey { return t.public }

// sha256Prefix is the DER DigestInfo header of a SHA-256 digest: the
// token's RSA-PKCS mechanism pads what it is given, so PKCS#1 v1.5 over
// SHA-256 signs this prefix and the digest.
var sha256Prefix = []byte{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20}

// Sign implements crypto.Signer: PKCS#1 v1.5 over a SHA-256 digest,
// computed inside the token.
func (t *Token) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts.HashFunc() != crypto.SHA256 || len(digest) != 32 {
		return nil, errors.New("the softhsm2 token signs SHA-256 digests")
	}
	in := append(append([]byte(nil), sha256Prefix...), digest...)
	return t.run(t.tool("--login", "--pin", tokenPIN, "--sign", "--mechanism", "RSA-PKCS", "--id", keyID), in)
}

// Env is the environment that finds the token (SOFTHSM2_CONF), for any
// process that loads the module: pkcs11-tool, ssh-agent.
func (t *Token) Env() []string { return t.env }

// Module is softhsm2's PKCS#11 module; PIN the token's user PIN.
const (
	Module = softhsmModule
	PIN    = tokenPIN
)
