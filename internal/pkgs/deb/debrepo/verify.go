package debrepo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Signature policy, as apt's: the data is trusted when at least one
// signature is good and made by a key of the keyring. A signature by a
// known key that does not match the data fails everything (the data was
// tampered with); signatures by unknown keys are ignored when another one
// is good (Debian signs with several keys); expired or revoked keys count
// for nothing.
//
// Expiry is checked against the real clock, not the Release's Date: the
// Date is written by whoever signs, so judging by it would let a holder of
// an expired (or stolen-then-expired) key sign fresh metadata forever.
// Reproducibility comes from the lockfile, which skips fetching metadata
// at all, not from re-verifying old metadata with old keys.

const (
	armorPrefix     = "-----BEGIN PGP"
	clearsignHeader = "-----BEGIN PGP SIGNED MESSAGE-----"
)

// ReadKeyring reads OpenPGP public keys, binary or ASCII-armored
// (auto-detected: a binary keyring starts with a packet tag, whose high
// bit is set; armored input may hold several blocks and surrounding text).
func ReadKeyring(data []byte) (openpgp.EntityList, error) {
	var el openpgp.EntityList
	var err error
	if len(data) > 0 && data[0]&0x80 != 0 {
		el, err = openpgp.ReadKeyRing(bytes.NewReader(data))
	} else {
		el, err = readArmoredKeys(data)
	}
	if err != nil {
		return nil, fmt.Errorf("read keyring: %w", err)
	}
	if len(el) == 0 {
		return nil, errors.New("read keyring: no keys")
	}
	return el, nil
}

// readArmoredKeys reads every armored key block in data.
func readArmoredKeys(data []byte) (openpgp.EntityList, error) {
	var el openpgp.EntityList
	blocks := strings.Split(string(data), armorPrefix)
	for _, b := range blocks[1:] {
		keys, err := openpgp.ReadArmoredKeyRing(strings.NewReader(armorPrefix + b))
		if err != nil {
			return nil, err
		}
		el = append(el, keys...)
	}
	return el, nil
}

// VerifyInRelease verifies a clearsigned InRelease and returns its signed
// content (a Release), and the signer: the key's fingerprint and first user ID.
// Nothing may precede or follow the signed message. The content ends with
// a newline: the one before the signature armor is not signed, so it is
// added when missing.
func VerifyInRelease(data []byte, keyring openpgp.EntityList) (content []byte, signer string, err error) {
	return verifyInRelease(data, keyring, time.Now)
}

func verifyInRelease(data []byte, keyring openpgp.EntityList, now func() time.Time) ([]byte, string, error) {
	if !bytes.HasPrefix(data, []byte(clearsignHeader)) {
		return nil, "", newSignatureError(NotSigned, nil, nil)
	}
	b, rest := decodeClearsigned(data)
	if b == nil {
		return nil, "", newSignatureError(Malformed, nil, errors.New("bad clearsigned message"))
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, "", newSignatureError(Malformed, nil, errors.New("data after the signature"))
	}
	sig, err := io.ReadAll(b.ArmoredSignature.Body)
	if err != nil {
		return nil, "", newSignatureError(Malformed, nil, err)
	}
	signer, err := verifySignatures(b.Bytes, sig, keyring, now)
	if err != nil {
		return nil, "", err
	}
	content := b.Plaintext
	if !bytes.HasSuffix(content, []byte("\n")) {
		content = append(content, '\n')
	}
	return content, signer, nil
}

// decodeClearsigned is clearsign.Decode, which panics on an empty message
// body (go-crypto v1.4.1): a hostile mirror must not crash the client.
func decodeClearsigned(data []byte) (b *clearsign.Block, rest []byte) {
	defer func() {
		if recover() != nil {
			b, rest = nil, data
		}
	}()
	return clearsign.Decode(data)
}

// VerifyDetached verifies a detached signature (Release.gpg, armored or
// binary) of release and returns the signer.
func VerifyDetached(release, sig []byte, keyring openpgp.EntityList) (signer string, err error) {
	return verifyDetached(release, sig, keyring, time.Now)
}

func verifyDetached(release, sig []byte, keyring openpgp.EntityList, now func() time.Time) (string, error) {
	if len(bytes.TrimSpace(sig)) == 0 {
		return "", newSignatureError(NotSigned, nil, nil)
	}
	if bytes.HasPrefix(bytes.TrimSpace(sig), []byte(armorPrefix)) {
		block, err := armor.Decode(bytes.NewReader(sig))
		if err != nil {
			return "", newSignatureError(Malformed, nil, err)
		}
		if sig, err = io.ReadAll(block.Body); err != nil {
			return "", newSignatureError(Malformed, nil, err)
		}
	}
	return verifySignatures(release, sig, keyring, now)
}

// verifySignatures applies the policy above to the signature packets sig
// over signed.
func verifySignatures(signed, sig []byte, keyring openpgp.EntityList, now func() time.Time) (string, error) {
	ids, err := issuers(sig)
	if err != nil {
		return "", newSignatureError(Malformed, nil, err)
	}
	if len(ids) == 0 {
		return "", newSignatureError(NotSigned, nil, nil)
	}
	var signer string
	var unknown []string
	var worthless *SignatureError
	for _, id := range ids {
		if len(keyring.KeysByIdUsage(id, packet.KeyFlagSign)) == 0 {
			unknown = append(unknown, keyID(id))
			continue
		}
		s, err := verifyOne(signed, sig, onlyKey{keyring, id}, now)
		switch {
		case err == nil && signer == "":
			signer = s
		case err != nil && err.Kind == BadSignature:
			return "", err
		case err != nil && worthless == nil:
			worthless = err
		}
	}
	switch {
	case signer != "":
		return signer, nil
	case worthless != nil:
		return "", worthless
	}
	e := newSignatureError(UnknownKey, unknown, nil)
	e.Have = describeKeys(keyring)
	return "", e
}

// verifyOne checks the signature in sig made by the one key kr holds.
func verifyOne(signed, sig []byte, kr onlyKey, now func() time.Time) (string, *SignatureError) {
	cfg := &packet.Config{Time: now}
	_, ent, err := openpgp.VerifyDetachedSignature(kr, bytes.NewReader(signed), bytes.NewReader(sig), cfg)
	ids := []string{keyID(kr.id)}
	switch {
	case err == nil:
		return describeKey(ent), nil
	case errors.Is(err, pgperrors.ErrSignatureExpired), errors.Is(err, pgperrors.ErrKeyExpired):
		return "", newSignatureError(ExpiredKey, ids, err)
	case errors.Is(err, pgperrors.ErrKeyRevoked):
		return "", newSignatureError(RevokedKey, ids, err)
	}
	return "", newSignatureError(BadSignature, ids, err)
}

// issuers returns the issuer key IDs of the signature packets in sig, in
// order, each once.
func issuers(sig []byte) ([]uint64, error) {
	var ids []uint64
	seen := make(map[uint64]bool)
	r := packet.NewReader(bytes.NewReader(sig))
	for {
		p, err := r.Next()
		if err == io.EOF {
			return ids, nil
		}
		if err != nil {
			return nil, err
		}
		s, ok := p.(*packet.Signature)
		if !ok || s.IssuerKeyId == nil {
			return nil, errors.New("not a signature with an issuer")
		}
		if id := *s.IssuerKeyId; !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
}

// onlyKey is a keyring narrowed to one key ID, so that go-crypto checks the
// signature packet by that key rather than the first one it knows.
type onlyKey struct {
	openpgp.EntityList
	id uint64
}

// KeysById returns the keys with ID id, if it is the one k admits.
func (k onlyKey) KeysById(id uint64) []openpgp.Key {
	if id != k.id {
		return nil
	}
	return k.EntityList.KeysById(id)
}

// KeysByIdUsage returns the keys with ID id and usage, if id is the one k
// admits.
func (k onlyKey) KeysByIdUsage(id uint64, usage byte) []openpgp.Key {
	if id != k.id {
		return nil
	}
	return k.EntityList.KeysByIdUsage(id, usage)
}

// keyID renders a key ID as gpg does: "0x" and 16 upper-case hex digits.
func keyID(id uint64) string { return fmt.Sprintf("0x%016X", id) }

// describeKey renders an entity as its fingerprint and first user ID.
func describeKey(e *openpgp.Entity) string {
	s := fmt.Sprintf("%X", e.PrimaryKey.Fingerprint)
	if id := e.PrimaryIdentity(); id != nil {
		s += " " + id.Name
	}
	return s
}

// describeKeys renders each key of the keyring as "0xID (first user ID)".
func describeKeys(el openpgp.EntityList) []string {
	out := make([]string, len(el))
	for i, e := range el {
		out[i] = keyID(e.PrimaryKey.KeyId)
		if id := e.PrimaryIdentity(); id != nil {
			out[i] += " (" + id.Name + ")"
		}
	}
	return out
}
