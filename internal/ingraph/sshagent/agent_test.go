package sshagent_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/sshagent"
	"github.com/cairn-build/cairn/internal/ingraph/sshagent/agenttest"
	"github.com/cairn-build/cairn/internal/testutil"
)

// TestSignWithAgentKey: a key file added to a real ssh-agent signs
// PKCS#1 v1.5 over SHA-256 of the message, as the key itself would; a key
// the agent does not hold is refused with what it does hold.
func TestSignWithAgentKey(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	testutil.Must(t, err)
	file := filepath.Join(t.TempDir(), "db.key")
	testutil.Must(t, os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	a := agenttest.Start(t, os.Environ())
	a.AddKey(t, file)
	ag, err := sshagent.Dial(a.Socket)
	testutil.Must(t, err)
	defer ag.Close()
	s, err := ag.Signer(&key.PublicKey)
	testutil.Must(t, err)
	msg := []byte("signed attributes")
	sig, err := crypto.SignMessage(s, rand.Reader, msg, crypto.SHA256)
	testutil.Must(t, err)
	d := sha256.Sum256(msg)
	want, _ := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
	if string(sig) != string(want) {
		t.Error("the agent's signature is not the key's PKCS#1 v1.5 signature")
	}
	if _, err := s.Sign(rand.Reader, d[:], crypto.SHA256); err == nil {
		t.Error("Sign with a digest was accepted; the agent hashes what it signs")
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	_, err = ag.Signer(&other.PublicKey)
	if !errors.Is(err, sshagent.ErrNoKey) || !strings.Contains(err.Error(), "RSA 2048") {
		t.Errorf("another key: %v", err)
	}
}

func TestDialMissingAgent(t *testing.T) {
	_, err := sshagent.Dial(filepath.Join(t.TempDir(), "none.sock"))
	if err == nil || !strings.Contains(err.Error(), "--ssh") {
		t.Errorf("got %v", err)
	}
}
