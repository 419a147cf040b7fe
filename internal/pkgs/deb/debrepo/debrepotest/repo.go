// Package debrepotest serves small signed apt repositories over HTTP for
// tests of the layers above debrepo: a fresh key, one suite ("test"), one
// component (main), amd64 and arm64, an InRelease whose dates the test
// chooses.
package debrepotest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Options say what the repository holds.
type Options struct {
	// Packages is the main/binary-amd64/Packages index, PackagesArm64
	// main/binary-arm64/Packages.
	Packages, PackagesArm64 string
	// Sources is the main/source/Sources index.
	Sources string
	// Date and ValidUntil go into the Release; an empty ValidUntil is
	// left out. Date defaults to a fixed day in 2024.
	Date, ValidUntil string
}

// Repo is a served repository.
type Repo struct {
	URL string
	// PublicKey is the armored key that signs the InRelease.
	PublicKey []byte
}

// Serve starts the repository for the rest of tb.
func Serve(tb testing.TB, o Options) Repo {
	tb.Helper()
	key, err := openpgp.NewEntity("Test Archive Key", "", "archive@example.org", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		tb.Fatal(err)
	}
	files := map[string][]byte{
		"/dists/test/InRelease":                  clearsigned(tb, key, release(o)),
		"/dists/test/main/binary-amd64/Packages": []byte(o.Packages),
		"/dists/test/main/binary-arm64/Packages": []byte(o.PackagesArm64),
		"/dists/test/main/source/Sources":        []byte(o.Sources),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if data, ok := files[r.URL.Path]; ok {
			w.Write(data)
			return
		}
		http.NotFound(w, r)
	}))
	tb.Cleanup(srv.Close)
	return Repo{URL: srv.URL, PublicKey: publicKey(tb, key)}
}

func release(o Options) string {
	date := o.Date
	if date == "" {
		date = "Sat, 01 Jun 2024 10:00:00 UTC"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "Suite: test\nCodename: test\nDate: %s\n", date)
	if o.ValidUntil != "" {
		fmt.Fprintf(&b, "Valid-Until: %s\n", o.ValidUntil)
	}
	fmt.Fprintf(&b, "Architectures: amd64 arm64\nComponents: main\nNo-Support-for-Architecture-all: Packages\nSHA256:\n %x %d main/binary-amd64/Packages\n",
		sha256.Sum256([]byte(o.Packages)), len(o.Packages))
	fmt.Fprintf(&b, " %x %d main/binary-arm64/Packages\n", sha256.Sum256([]byte(o.PackagesArm64)), len(o.PackagesArm64))
	fmt.Fprintf(&b, " %x %d main/source/Sources\n", sha256.Sum256([]byte(o.Sources)), len(o.Sources))
	return b.String()
}

func clearsigned(tb testing.TB, key *openpgp.Entity, text string) []byte {
	tb.Helper()
	var b bytes.Buffer
	w, err := clearsign.Encode(&b, key.PrivateKey, nil)
	if err != nil {
		tb.Fatal(err)
	}
	w.Write([]byte(text))
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func publicKey(tb testing.TB, key *openpgp.Entity) []byte {
	tb.Helper()
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := key.Serialize(w); err != nil {
		tb.Fatal(err)
	}
	w.Close()
	return b.Bytes()
}
