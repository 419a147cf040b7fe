package debrepo

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

var (
	release2001 = time.Date(2001, 6, 1, 12, 0, 0, 0, time.UTC)
	testRelease = []byte("Origin: Test\nSuite: test\n")
)

// armored returns the ASCII-armored public key of e.
func armored(t *testing.T, e *openpgp.Entity) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return buf.Bytes()
}

func TestReadKeyring(t *testing.T) {
	trusted, stranger := testKeys(t)
	var binary bytes.Buffer
	trusted.Serialize(&binary)
	stranger.Serialize(&binary)
	both := append(append([]byte("comment before\n"), armored(t, trusted)...), armored(t, stranger)...)
	for name, data := range map[string][]byte{"binary": binary.Bytes(), "armored": both} {
		el, err := ReadKeyring(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(el) != 2 || el[0].PrimaryKey.KeyId != trusted.PrimaryKey.KeyId || el[1].PrimaryKey.KeyId != stranger.PrimaryKey.KeyId {
			t.Errorf("%s: read %d keys", name, len(el))
		}
	}
	for _, bad := range []string{"", "garbage", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n"} {
		if _, err := ReadKeyring([]byte(bad)); err == nil {
			t.Errorf("ReadKeyring(%q) succeeded", bad)
		}
	}
}

// sigKind asserts err is a *SignatureError of kind k.
func sigKind(t *testing.T, err error, k SigKind) {
	t.Helper()
	var se *SignatureError
	if !errors.As(err, &se) || se.Kind != k {
		t.Fatalf("got %v, want a signature error of kind %d", err, k)
	}
}

func TestVerifyExpiry(t *testing.T) {
	// Signature and key checks use the clock, not the Release's Date.
	old := newKey(t, "Old Key", &packet.Config{Time: at(release2001), KeyLifetimeSecs: 86400})
	kr := publicKeyring(t, old)
	signed := clearsignWith(t, testRelease, &packet.Config{Time: at(release2001)}, old)
	if _, _, err := verifyInRelease(signed, kr, at(release2001.Add(time.Hour))); err != nil {
		t.Fatalf("within the key's lifetime: %v", err)
	}
	_, _, err := VerifyInRelease(signed, kr)
	sigKind(t, err, ExpiredKey)

	forever := newKey(t, "Old Key Without Expiry", &packet.Config{Time: at(release2001)})
	kr = publicKeyring(t, forever)
	signed = clearsignWith(t, testRelease, &packet.Config{Time: at(release2001), SigLifetimeSecs: 3600}, forever)
	if _, _, err := verifyInRelease(signed, kr, at(release2001.Add(time.Minute))); err != nil {
		t.Fatalf("within the signature's lifetime: %v", err)
	}
	_, _, err = VerifyInRelease(signed, kr)
	sigKind(t, err, ExpiredKey)
}

func TestVerifyRevoked(t *testing.T) {
	k := newKey(t, "Revoked Key", nil)
	signed := clearsignWith(t, testRelease, nil, k)
	if err := k.RevokeKey(packet.KeyCompromised, "test", nil); err != nil {
		t.Fatal(err)
	}
	_, _, err := VerifyInRelease(signed, publicKeyring(t, k))
	sigKind(t, err, RevokedKey)
}

func TestVerifyPolicy(t *testing.T) {
	trusted, stranger := testKeys(t)
	old := newKey(t, "Old Key", &packet.Config{Time: at(release2001), KeyLifetimeSecs: 86400})
	// Several signatures: one good one by a known key suffices.
	signed := clearsignWith(t, testRelease, nil, stranger, trusted)
	content, signer, err := VerifyInRelease(signed, publicKeyring(t, trusted))
	if err != nil || !bytes.Equal(content, testRelease) || !strings.Contains(signer, "Test Archive Key") {
		t.Fatalf("got %q, %q, %v", content, signer, err)
	}
	signed = clearsignWith(t, testRelease, &packet.Config{Time: at(release2001)}, old, trusted)
	if _, signer, err = VerifyInRelease(signed, publicKeyring(t, old, trusted)); err != nil || !strings.Contains(signer, "Test Archive Key") {
		t.Fatalf("expired + good: %q, %v", signer, err)
	}
	// A bad signature by a known key fails despite a good one.
	// (Signed separately: an RSA signature's length varies by a byte now
	// and then, so it cannot be cut out of the pair by a length.)
	var good, bad bytes.Buffer
	openpgp.DetachSign(&good, trusted, bytes.NewReader(testRelease), nil)
	openpgp.DetachSign(&bad, stranger, strings.NewReader("something else"), nil)
	if _, err := VerifyDetached(testRelease, good.Bytes(), publicKeyring(t, trusted)); err != nil {
		t.Fatalf("binary detached signature: %v", err)
	}
	_, err = VerifyDetached(testRelease, append(good.Bytes(), bad.Bytes()...), publicKeyring(t, trusted, stranger))
	sigKind(t, err, BadSignature)
}

func TestVerifyFraming(t *testing.T) {
	trusted, _ := testKeys(t)
	kr := publicKeyring(t, trusted)
	signed := clearsignWith(t, testRelease, nil, trusted)
	for name, tc := range map[string]struct {
		data []byte
		kind SigKind
	}{
		"text before":  {append([]byte("Suite: evil\n\n"), signed...), NotSigned},
		"text after":   {append(append([]byte{}, signed...), "Suite: evil\n"...), Malformed},
		"no signature": {bytes.Split(signed, []byte("-----BEGIN PGP SIGNATURE"))[0], Malformed},
		"empty":        {nil, NotSigned},
		"header only":  {[]byte(clearsignHeader + "\n"), Malformed},
	} {
		_, _, err := VerifyInRelease(tc.data, kr)
		var se *SignatureError
		if !errors.As(err, &se) || se.Kind != tc.kind {
			t.Errorf("%s: got %v, want kind %d", name, err, tc.kind)
		}
	}
	if _, _, err := VerifyInRelease(append(signed, "\n\n"...), kr); err != nil {
		t.Errorf("trailing newlines: %v", err)
	}
	if _, err := VerifyDetached(testRelease, []byte("  \n"), kr); err == nil {
		t.Error("empty detached signature accepted")
	}
}
