// Package signer opens the X.509 signer a helper request names (a key
// file mounted as a secret, a key of a transit signing service, or a key
// held by an SSH agent forwarded into the step) with its certificate, for
// the formats that sign with one: Authenticode and kernel modules.
package signer

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/ingraph/sshagent"
	"github.com/cairn-build/cairn/internal/ingraph/transit"
)

// Open reads the certificate and opens the signer: a key file, a transit
// client that has read its key's public half, or the agent's key for the
// certificate.
func Open(s request.Signer) (*x509.Certificate, crypto.Signer, error) {
	cert, err := ReadCert(s.Cert)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case s.Transit != nil:
		c, err := transit.Dial(s.Transit)
		return cert, c, err
	case s.Agent != nil:
		a, err := sshagent.Dial(s.Agent.Socket)
		if err != nil {
			return nil, nil, err
		}
		k, err := a.Signer(cert.PublicKey)
		if errors.Is(err, sshagent.ErrNoKey) {
			return nil, nil, fmt.Errorf("the ssh agent %q holds no key of certificate %q (%w): add it (ssh-add KEY, or ssh-add -s PKCS11-MODULE for a token), or give its certificate", s.Agent.ID, cert.Subject, err)
		}
		return cert, k, err
	}
	k, err := readKey(s.Key)
	return cert, k, err
}

// Who names the signer in messages.
func Who(s request.Signer) string {
	switch {
	case s.Transit != nil:
		return fmt.Sprintf("transit key %q at %s", s.Transit.Key, s.Transit.Addr)
	case s.Agent != nil:
		return fmt.Sprintf("the ssh agent %q", s.Agent.ID)
	}
	return fmt.Sprintf("the key given as secret %q", s.Secret)
}

// Mismatch is the message for a key that is not the certificate's.
func Mismatch(s request.Signer, cert *x509.Certificate) error {
	return fmt.Errorf("%s is not the key of certificate %q: give that certificate's key, or this key's certificate", Who(s), cert.Subject)
}

// ReadCert reads one X.509 certificate, PEM or DER.
func ReadCert(p string) (*x509.Certificate, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	if b, _ := pem.Decode(data); b != nil {
		data = b.Bytes
	}
	c, err := x509.ParseCertificate(data)
	if err != nil {
		return nil, fmt.Errorf("certificate %s: %w", filepath.Base(p), err)
	}
	return c, nil
}

// readKey reads a PEM RSA private key, PKCS#1 or PKCS#8, without a
// passphrase.
func readKey(p string) (crypto.Signer, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	b, _ := pem.Decode(data)
	if b == nil {
		return nil, errors.New("signing key: not PEM; want an RSA private key (openssl genrsa, or the .key of openssl req -newkey rsa:2048 -nodes)")
	}
	if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing key: %s is not an unencrypted RSA private key: %w", b.Type, err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("signing key: a %T", k)
	}
	return s, nil
}
