package authenticode

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

// Run signs r.In with the key file r.Key and certificate r.Cert into
// r.Out, written under a temporary name and renamed into place.
func Run(r request.EFISign) error {
	image, err := os.ReadFile(r.In)
	if err != nil {
		return err
	}
	cert, err := ReadCert(r.Cert)
	if err != nil {
		return err
	}
	key, err := signer(r, cert)
	if err != nil {
		return err
	}
	signed, err := Sign(image, cert, key)
	if errors.Is(err, ErrKeyMismatch) {
		what := fmt.Sprintf("the key given as secret %q", r.Secret)
		if r.Transit != nil {
			what = fmt.Sprintf("transit key %q at %s", r.Transit.Key, r.Transit.Addr)
		}
		if r.Agent != nil {
			what = fmt.Sprintf("the ssh agent %q", r.Agent.ID)
		}
		return fmt.Errorf("%s is not the key of certificate %q: give that certificate's key, or this key's certificate", what, cert.Subject)
	}
	if err != nil {
		return err
	}
	return r.Epoch.WriteFile(r.Out, signed)
}

// signer is the request's key: a key file, a transit client that has
// read its key's public half, or the agent's key for the certificate.
func signer(r request.EFISign, cert *x509.Certificate) (crypto.Signer, error) {
	switch {
	case r.Transit != nil:
		return transit.Dial(r.Transit)
	case r.Agent != nil:
		a, err := sshagent.Dial(r.Agent.Socket)
		if err != nil {
			return nil, err
		}
		s, err := a.Signer(cert.PublicKey)
		if errors.Is(err, sshagent.ErrNoKey) {
			return nil, fmt.Errorf("the ssh agent %q holds no key of certificate %q (%w): add it (ssh-add KEY, or ssh-add -s PKCS11-MODULE for a token), or give its certificate", r.Agent.ID, cert.Subject, err)
		}
		return s, err
	}
	return readKey(r.Key)
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
