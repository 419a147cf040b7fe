package gitsrc

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
)

// tag is a parsed annotated tag object. Its signature, when it has one,
// ends the message; what precedes it is what was signed (as `git
// verify-tag` reads it).
type tag struct {
	object, typ, name string
	payload, sig      []byte
	sigKind           string // "pgp", "ssh", "x509" or "" for none
}

var sigStarts = []struct{ marker, kind string }{
	{"-----BEGIN PGP SIGNATURE-----", "pgp"},
	{"-----BEGIN SSH SIGNATURE-----", "ssh"},
	{"-----BEGIN SIGNED MESSAGE-----", "x509"},
}

func parseTag(data []byte) (tag, error) {
	head, _, ok := bytes.Cut(data, []byte("\n\n"))
	if !ok {
		head = bytes.TrimSuffix(data, []byte("\n"))
	}
	t := tag{payload: data}
	for _, line := range strings.Split(string(head), "\n") {
		k, v, _ := strings.Cut(line, " ")
		switch k {
		case "object":
			t.object = v
		case "type":
			t.typ = v
		case "tag":
			t.name = v
		}
	}
	if t.object == "" || t.typ == "" || t.name == "" {
		return tag{}, errors.New("not a tag object (no object, type or tag header)")
	}
	t.splitSignature(data)
	return t, nil
}

// splitSignature finds the last signature block starting a line.
func (t *tag) splitSignature(data []byte) {
	at := -1
	for _, s := range sigStarts {
		i := bytes.LastIndex(data, []byte("\n"+s.marker))
		if i >= 0 && i > at {
			at, t.sigKind = i, s.kind
		}
	}
	if at >= 0 {
		t.payload, t.sig = data[:at+1], data[at+1:]
	}
}

// verify checks a tag object against the request: it must be the tag ls
// -remote listed, name the commit ls-remote peeled it to, and carry a good
// OpenPGP signature by an allowed key of the keyring. It returns the
// signer as "FINGERPRINT user id".
func verify(req Request, r remoteRef, data []byte) (string, error) {
	t, err := parseTag(data)
	if err != nil {
		return "", errTag(req, r, err.Error())
	}
	if t.typ != "commit" || t.object != r.commit || t.name != strings.TrimPrefix(r.name, "refs/tags/") {
		return "", errTag(req, r, fmt.Sprintf("the tag object says it is tag %q of %s %s, but the remote lists it as %s of commit %s; the tag was moved or forged",
			t.name, t.typ, t.object, r.name, r.commit))
	}
	switch t.sigKind {
	case "":
		return "", errTag(req, r, "is not signed; verify= needs a signed annotated tag (git tag -s)")
	case "ssh", "x509":
		return "", errTag(req, r, "is signed with "+t.sigKind+" (gpg.format="+t.sigKind+"), which cairn does not verify; sign tags with OpenPGP")
	}
	signer, err := debrepo.VerifyDetached(t.payload, t.sig, req.Verify.Keys)
	if err != nil {
		var se *debrepo.SignatureError
		if errors.As(err, &se) {
			se.Keyring = req.Verify.Name
		}
		return "", errTag(req, r, err.Error())
	}
	fpr, _, _ := strings.Cut(signer, " ")
	if !allowed(req.Verify.entity(fpr), req.AllowedSigners) {
		return "", errNotAllowed(req, r, signer)
	}
	return signer, nil
}

// entity is the key with primary fingerprint fpr, or nil.
func (k *Keyring) entity(fpr string) *openpgp.Entity {
	for _, e := range k.Keys {
		if fmt.Sprintf("%X", e.PrimaryKey.Fingerprint) == fpr {
			return e
		}
	}
	return nil
}

// allowed reports whether key e matches allowed_signers: by the
// fingerprint of its primary key or of a subkey, or by the e-mail address
// of one of its user IDs. An empty list allows every key.
func allowed(e *openpgp.Entity, list []string) bool {
	if len(list) == 0 {
		return e != nil
	}
	if e == nil {
		return false
	}
	names := map[string]bool{fmt.Sprintf("%X", e.PrimaryKey.Fingerprint): true}
	for _, sk := range e.Subkeys {
		names[fmt.Sprintf("%X", sk.PublicKey.Fingerprint)] = true
	}
	for _, id := range e.Identities {
		if id.UserId != nil && id.UserId.Email != "" {
			names[strings.ToLower(id.UserId.Email)] = true
		}
	}
	for _, a := range list {
		if names[a] {
			return true
		}
	}
	return false
}
