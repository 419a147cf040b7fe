// Package pgpsign is cairn's OpenPGP signer with a file key: the key a
// recipe hands a step as a BuildKit secret (`signer = secret("ID")`),
// read inside the step and never written anywhere. apt_repo() signs its
// Release with it and checksums() its SHA256SUMS. The signatures are
// deterministic: made at the build's epoch (or at the key's creation when
// that is later, as a signature older than its key does not verify) and
// without go-crypto's random salt notation, so the same key signs the same
// text to the same bytes, as gpg does. docs/signing.md tells the signer
// model this is the first backend of.
package pgpsign

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/ingraph/transit"
)

// Signer signs with one OpenPGP secret key at a fixed time.
type Signer struct {
	entity *openpgp.Entity
	key    *openpgp.Key
	cfg    *packet.Config
}

// Load reads one armored (or binary) OpenPGP secret key without a
// passphrase from file and prepares it to sign at ep.
func Load(file string, ep epoch.Epoch) (*Signer, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	e, err := parse(data)
	if err != nil {
		return nil, err
	}
	return prepare(e, ep)
}

// prepare picks e's signing key at ep (or at the key's creation when that
// is later).
func prepare(e *openpgp.Entity, ep epoch.Epoch) (*Signer, error) {
	at := ep.Time()
	if created := e.PrimaryKey.CreationTime; created.After(at) {
		at = created
	}
	key, ok := e.SigningKey(at)
	if !ok {
		key, ok = e.SigningKey(e.PrimaryKey.CreationTime.Add(time.Second))
	}
	if !ok || key.PrivateKey == nil {
		return nil, errors.New("signing key: the key has no usable signing key (expired or revoked?)")
	}
	if key.PublicKey.CreationTime.After(at) {
		at = key.PublicKey.CreationTime
	}
	deterministic := false
	cfg := &packet.Config{Time: func() time.Time { return at }, NonDeterministicSignaturesViaNotation: &deterministic}
	return &Signer{entity: e, key: &key, cfg: cfg}, nil
}

// Open is the signer a step's request names: the key file key, or the
// transit key tr whose OpenPGP certificate is the file tr.OpenPGP.
func Open(key string, tr *request.Transit, ep epoch.Epoch) (*Signer, error) {
	if tr == nil {
		return Load(key, ep)
	}
	if tr.OpenPGP == "" {
		return nil, errors.New("transit signer: OpenPGP signatures need the key's OpenPGP certificate (signer.transit(openpgp = ...))")
	}
	c, err := transit.Dial(tr)
	if err != nil {
		return nil, err
	}
	cert, err := os.ReadFile(tr.OpenPGP)
	if err != nil {
		return nil, fmt.Errorf("OpenPGP certificate: %w", err)
	}
	return FromSigner(cert, c, ep)
}

// FromSigner prepares to sign at ep with signer, a key held elsewhere (a
// signing service), whose OpenPGP certificate (public key, user ID and
// self-signature, armored or binary) is cert. The key in cert that is
// the signer's must be able to sign; cert tells the world the key's
// fingerprint, and signer makes every signature.
func FromSigner(cert []byte, signer crypto.Signer, ep epoch.Epoch) (*Signer, error) {
	e, err := one(cert, "one OpenPGP certificate")
	if err != nil {
		return nil, err
	}
	found := false
	if samePublic(e.PrimaryKey.PublicKey, signer.Public()) {
		e.PrivateKey, found = &packet.PrivateKey{PublicKey: *e.PrimaryKey, PrivateKey: signer}, true
	}
	for i, sub := range e.Subkeys {
		if samePublic(sub.PublicKey.PublicKey, signer.Public()) {
			e.Subkeys[i].PrivateKey, found = &packet.PrivateKey{PublicKey: *sub.PublicKey, PrivateKey: signer}, true
		}
	}
	if !found {
		return nil, fmt.Errorf("OpenPGP certificate %X is not of the signing service's key", e.PrimaryKey.Fingerprint)
	}
	return prepare(e, ep)
}

// samePublic reports whether two public keys are the same key.
func samePublic(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}

// Fingerprint is the hex fingerprint of the one OpenPGP secret key data
// holds: the signer's public identity, which the CLI writes into a
// signing step so that the step is keyed by the key it signs with.
func Fingerprint(data []byte) (string, error) {
	e, err := parse(data)
	if err != nil {
		return "", err
	}
	return fingerprint(e), nil
}

// fingerprint is an entity's primary key fingerprint in upper-case hex,
// as gpg prints it.
func fingerprint(e *openpgp.Entity) string { return fmt.Sprintf("%X", e.PrimaryKey.Fingerprint) }

// Check fails unless the signer's fingerprint is want (when want is set):
// the key the step was given is the one its cache key names.
func (s *Signer) Check(want string) error {
	if got := fingerprint(s.entity); want != "" && !strings.EqualFold(got, want) {
		return fmt.Errorf("signing key: the secret holds key %s, but the build was compiled for key %s; build again with the same --secret", got, want)
	}
	return nil
}

// one reads the one key of data, armored or binary: what it should be.
func one(data []byte, what string) (*openpgp.Entity, error) {
	list, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(data))
	if err != nil {
		if list, err = openpgp.ReadKeyRing(bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("not %s: %w", what, err)
		}
	}
	if len(list) != 1 {
		return nil, fmt.Errorf("%d keys, want %s", len(list), what)
	}
	return list[0], nil
}

// parse reads the one secret key of data.
func parse(data []byte) (*openpgp.Entity, error) {
	e, err := one(data, "an OpenPGP secret key")
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	if e.PrivateKey == nil {
		return nil, errors.New("signing key: the secret holds a public key only; export the secret key (gpg --export-secret-keys --armor)")
	}
	if e.PrivateKey.Encrypted {
		return nil, errors.New("signing key: the key is protected by a passphrase; export it without one for the build (the secret never leaves the step)")
	}
	return e, nil
}

// ClearSign returns text as a clear-signed message (InRelease), ending in
// a newline.
func (s *Signer) ClearSign(text []byte) ([]byte, error) {
	var b bytes.Buffer
	cw, err := clearsign.Encode(&b, s.key.PrivateKey, s.cfg)
	if err != nil {
		return nil, fmt.Errorf("clear-signing: %w", err)
	}
	if _, err := cw.Write(text); err != nil {
		return nil, err
	}
	if err := cw.Close(); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// Detached returns an armored detached signature of what r holds
// (Release.gpg, SHA256SUMS.sign), ending in a newline.
func (s *Signer) Detached(r io.Reader) ([]byte, error) {
	var b bytes.Buffer
	if err := openpgp.ArmoredDetachSign(&b, s.entity, r, s.cfg); err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// PublicKey is the signer's public key, armored, for gpgv and apt's
// Signed-By.
func (s *Signer) PublicKey() ([]byte, error) {
	var b bytes.Buffer
	aw, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		return nil, err
	}
	if err := s.entity.Serialize(aw); err != nil {
		return nil, err
	}
	if err := aw.Close(); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
