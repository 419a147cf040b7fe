package debrepo

import (
	"bytes"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
)

func FuzzParseRelease(f *testing.F) {
	f.Add([]byte(sampleRelease))
	f.Add([]byte("Suite: a\n\nSuite: b\n"))
	f.Add([]byte("SHA256:\n .\n x 1 y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rel, err := ParseRelease(data)
		if err != nil {
			return
		}
		for path, sum := range rel.SHA256 {
			if len(sum.SHA256) != 64 || sum.Size < 0 || path == "" {
				t.Fatalf("bad sum %q %+v", path, sum)
			}
		}
	})
}

func FuzzSources(f *testing.F) {
	f.Add(listFile)
	f.Add(sourcesFile)
	f.Add("deb [a=b\n")
	f.Fuzz(func(t *testing.T, data string) {
		for _, parse := range []func(string) ([]Source, error){parseOneLineSources, parseDeb822Sources} {
			srcs, err := parse(data)
			if err != nil {
				continue
			}
			for _, s := range srcs {
				if len(s.Types) == 0 || len(s.URIs) == 0 || len(s.Suites) == 0 || s.Line < 1 {
					t.Fatalf("incomplete source %+v", s)
				}
			}
			MirrorFor(srcs, "bookworm")
		}
	})
}

func FuzzVerifyInRelease(f *testing.F) {
	trusted, stranger := testKeys(f)
	kr := publicKeyring(f, trusted)
	f.Add(clearsignWith(f, testRelease, nil, trusted))
	f.Add(clearsignWith(f, testRelease, nil, stranger, trusted))
	f.Add([]byte(clearsignHeader + "\nHash: SHA256\n\nx\n-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		content, signer, err := VerifyInRelease(data, kr)
		if err != nil {
			return
		}
		// Only the genuine content signed by the trusted key may pass.
		if signer == "" || !bytes.Equal(content, testRelease) {
			t.Fatalf("accepted %q signed by %q", content, signer)
		}
	})
}

func FuzzVerifyDetached(f *testing.F) {
	trusted, stranger := testKeys(f)
	kr := publicKeyring(f, trusted)
	var binary bytes.Buffer
	openpgp.DetachSign(&binary, stranger, bytes.NewReader(testRelease), nil)
	openpgp.DetachSign(&binary, trusted, bytes.NewReader(testRelease), nil)
	f.Add(detachSign(f, testRelease, trusted))
	f.Add(binary.Bytes())
	f.Fuzz(func(t *testing.T, sig []byte) {
		if signer, err := VerifyDetached(testRelease, sig, kr); err == nil && signer == "" {
			t.Fatal("accepted without a signer")
		}
	})
}
