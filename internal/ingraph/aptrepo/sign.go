package aptrepo

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// sign writes InRelease, Release.gpg and the public key. The signatures
// are made at the epoch, or at the signing key's creation when that is
// later (a signature older than its key does not verify), so the same key
// signs the same Release to the same bytes.
func (w *writer) sign(req request.AptRepo, dist string, release []byte) error {
	signer, err := readSigner(req.Key)
	if err != nil {
		return err
	}
	at := req.Epoch.Time()
	if created := signer.PrimaryKey.CreationTime; created.After(at) {
		at = created
	}
	key, ok := signer.SigningKey(at)
	if !ok {
		key, ok = signer.SigningKey(signer.PrimaryKey.CreationTime.Add(time.Second))
	}
	if !ok || key.PrivateKey == nil {
		return errors.New("signing key: the key has no usable signing key (expired or revoked?)")
	}
	if key.PublicKey.CreationTime.After(at) {
		at = key.PublicKey.CreationTime
	}
	// No salt notation: the signature is a function of key and text, as
	// gpg's are (a salt only guards EdDSA against faults while signing).
	deterministic := false
	cfg := &packet.Config{Time: func() time.Time { return at }, NonDeterministicSignaturesViaNotation: &deterministic}
	var in bytes.Buffer
	cw, err := clearsign.Encode(&in, key.PrivateKey, cfg)
	if err != nil {
		return fmt.Errorf("signing InRelease: %w", err)
	}
	if _, err := cw.Write(release); err != nil {
		return err
	}
	if err := cw.Close(); err != nil {
		return err
	}
	in.WriteByte('\n')
	if err := w.put(path.Join(dist, "InRelease"), in.Bytes()); err != nil {
		return err
	}
	var det bytes.Buffer
	if err := openpgp.ArmoredDetachSign(&det, signer, bytes.NewReader(release), cfg); err != nil {
		return fmt.Errorf("signing Release.gpg: %w", err)
	}
	det.WriteByte('\n')
	if err := w.put(path.Join(dist, "Release.gpg"), det.Bytes()); err != nil {
		return err
	}
	pub, err := publicKey(signer)
	if err != nil {
		return err
	}
	return w.put(request.KeyFile, pub)
}

// readSigner reads one armored (or binary) OpenPGP secret key.
func readSigner(file string) (*openpgp.Entity, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	list, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(data))
	if err != nil {
		if list, err = openpgp.ReadKeyRing(bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("signing key: not an OpenPGP secret key: %w", err)
		}
	}
	if len(list) != 1 {
		return nil, fmt.Errorf("signing key: the secret holds %d keys, want one", len(list))
	}
	e := list[0]
	if e.PrivateKey == nil {
		return nil, errors.New("signing key: the secret holds a public key only; export the secret key (gpg --export-secret-keys --armor)")
	}
	if e.PrivateKey.Encrypted {
		return nil, errors.New("signing key: the key is protected by a passphrase; export it without one for the build (the secret never leaves the step)")
	}
	return e, nil
}

// publicKey is the signer's public key, armored.
func publicKey(e *openpgp.Entity) ([]byte, error) {
	var b bytes.Buffer
	aw, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		return nil, err
	}
	if err := e.Serialize(aw); err != nil {
		return nil, err
	}
	if err := aw.Close(); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
