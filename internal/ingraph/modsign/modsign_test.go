package modsign_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/modsign"
	"github.com/cairn-build/cairn/internal/ingraph/sshagent/agenttest"
	"github.com/cairn-build/cairn/internal/testutil"
)

// split takes a signed module apart as the kernel does: magic, the
// struct module_signature's sig_len, the PKCS#7 before it.
func split(t *testing.T, signed []byte) (module, p7 []byte) {
	t.Helper()
	if !bytes.HasSuffix(signed, []byte(modsign.Magic)) {
		t.Fatal("no magic")
	}
	rest := signed[:len(signed)-len(modsign.Magic)]
	info := rest[len(rest)-12:]
	if info[2] != 2 || info[0] != 0 || info[1] != 0 || info[3] != 0 || info[4] != 0 {
		t.Errorf("module_signature %x: want id_type 2 (PKCS#7), the rest zero", info)
	}
	n := int(binary.BigEndian.Uint32(info[8:]))
	rest = rest[:len(rest)-12]
	return rest[:len(rest)-n], rest[len(rest)-n:]
}

// opensslVerify checks the detached PKCS#7 over module with the
// certificate, as an independent verifier.
func opensslVerify(t *testing.T, module, p7 []byte, cert *x509.Certificate) error {
	t.Helper()
	testutil.NeedTool(t, "openssl")
	dir := t.TempDir()
	for name, data := range map[string][]byte{"m": module, "p7": p7, "c.pem": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})} {
		testutil.Must(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
	}
	out, err := exec.Command("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", filepath.Join(dir, "p7"),
		"-content", filepath.Join(dir, "m"), "-certfile", filepath.Join(dir, "c.pem"), "-noverify", "-out", os.DevNull).CombinedOutput()
	if err != nil {
		return errors.New(string(out))
	}
	return nil
}

// TestSignedModuleVerifies: openssl verifies the appended PKCS#7 over the
// module's bytes with the certificate and refuses it over changed bytes;
// the same module and key sign to the same bytes; a signed module is not
// signed twice, and a key that is not the certificate's is refused.
func TestSignedModuleVerifies(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	testutil.Must(t, err)
	cert := testutil.SelfSigned(t, key, "cairn module key")
	module := append([]byte("\x7fELF not really a module "), bytes.Repeat([]byte{7}, 5000)...)
	signed, err := modsign.Sign(module, cert, key)
	testutil.Must(t, err)
	m, p7 := split(t, signed)
	if !bytes.Equal(m, module) {
		t.Fatal("the module bytes changed")
	}
	if err := opensslVerify(t, m, p7, cert); err != nil {
		t.Fatalf("openssl cms -verify refused the signature: %s", err)
	}
	if err := opensslVerify(t, append(m[:len(m):len(m)], 1), p7, cert); err == nil {
		t.Error("openssl accepted the signature over changed bytes")
	}
	again, _ := modsign.Sign(module, cert, key)
	if !bytes.Equal(again, signed) {
		t.Error("the same module and key signed to other bytes")
	}
	if _, err := modsign.Sign(signed, cert, key); !errors.Is(err, modsign.ErrSigned) {
		t.Errorf("signing a signed module: %v", err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	if _, err := modsign.Sign(module, cert, other); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("another key: %v", err)
	}
}

// TestSignModuleOnToken signs through OpenSSH's agent with a key inside
// a softhsm2 token: the agent is sent the module (it hashes what it
// signs) and openssl verifies the result.
func TestSignModuleOnToken(t *testing.T) {
	_, s := agenttest.TokenSigner(t, "module-key")
	cert := testutil.SelfSigned(t, s, "cairn module key on a token")
	module := bytes.Repeat([]byte("module "), 1000)
	signed, err := modsign.Sign(module, cert, s)
	testutil.Must(t, err)
	m, p7 := split(t, signed)
	if err := opensslVerify(t, m, p7, cert); err != nil {
		t.Fatalf("openssl cms -verify refused the token's signature: %s", err)
	}
}
