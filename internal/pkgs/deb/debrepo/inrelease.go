package debrepo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// signedRelease is the signed metadata as fetched: an InRelease (sig nil),
// or a Release and its detached signature.
type signedRelease struct {
	data, sig []byte
	detached  bool
}

// file names the form for messages.
func (s signedRelease) file() string {
	if s.detached {
		return "Release"
	}
	return "InRelease"
}

// verifySignature returns the signed Release text and its signer; now is
// the clock key and signature expiry are judged by.
func (s signedRelease) verifySignature(kr openpgp.EntityList, now func() time.Time) ([]byte, string, error) {
	if !s.detached {
		return verifyInRelease(s.data, kr, now)
	}
	signer, err := verifyDetached(s.data, s.sig, kr, now)
	return s.data, signer, err
}

// verifiedRelease is a Release whose signature, suite and validity passed.
type verifiedRelease struct {
	rel    *Release
	sha256 string
	signer string
}

// release obtains (from the network or, offline, the cache) and verifies
// the Release; online, the verified bytes replace the cached ones.
func (f *fetcher) release(ctx context.Context) (*verifiedRelease, error) {
	var sr signedRelease
	var err error
	if f.c.Offline {
		sr, err = f.cachedRelease()
	} else {
		sr, err = f.fetchRelease(ctx)
	}
	if err != nil {
		return nil, err
	}
	vr, err := f.verify(sr)
	if err != nil {
		return nil, err
	}
	if !f.c.Offline {
		if err := f.storeRelease(sr); err != nil {
			return nil, newReleaseError(f.where(sr.file()), err)
		}
	}
	f.progress("%s verified (signed by %s)", sr.file(), vr.signer)
	return vr, nil
}

// fetchRelease downloads InRelease, or on 404 Release and Release.gpg.
func (f *fetcher) fetchRelease(ctx context.Context) (signedRelease, error) {
	data, err := f.getAll(ctx, "InRelease", f.distURL("InRelease"))
	if err == nil || !isNotFound(err) {
		return signedRelease{data: data}, err
	}
	if data, err = f.getAll(ctx, "Release", f.distURL("Release")); err != nil {
		return signedRelease{}, err
	}
	sig, err := f.getAll(ctx, "Release.gpg", f.distURL("Release.gpg"))
	if isNotFound(err) {
		err, sig = nil, nil // verify reports "not signed"
	}
	return signedRelease{data: data, sig: sig, detached: true}, err
}

// verify checks the signature, then the suite, Date and Valid-Until.
func (f *fetcher) verify(sr signedRelease) (*verifiedRelease, error) {
	at := f.where(sr.file())
	content, signer, err := sr.verifySignature(f.r.Keyring, f.c.now)
	if err != nil {
		return nil, f.locate(at, sr, err)
	}
	rel, err := ParseRelease(content)
	if err != nil {
		return nil, newReleaseError(at, err)
	}
	if err := f.checkRelease(at, rel); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(sr.data)
	return &verifiedRelease{rel: rel, sha256: hex.EncodeToString(sum[:]), signer: signer}, nil
}

// locate fills in the location and keyring name of a signature error.
func (f *fetcher) locate(at Where, sr signedRelease, err error) error {
	var se *SignatureError
	if errors.As(err, &se) {
		se.Where, se.Keyring = at, f.r.KeyringName
		if se.Kind == NotSigned && sr.detached && len(sr.sig) == 0 {
			se.Err = errors.New("the mirror has neither InRelease nor Release.gpg")
		}
	}
	return err
}

// checkRelease rejects a Release for another suite, or whose dates say
// it is not valid now (see dates.go); one reading of the clock judges both.
func (f *fetcher) checkRelease(at Where, rel *Release) error {
	if !rel.matchesSuite(f.r.Suite) {
		return newSuiteError(at, f.r.Suite, rel)
	}
	now := f.c.now()
	if !f.r.IgnoreDate {
		if err := checkDate(at, rel, now); err != nil {
			return err
		}
	}
	if f.r.IgnoreValidUntil {
		return nil
	}
	return checkValidUntil(at, rel, now)
}

// storeRelease caches the verified bytes; the other form is removed, so
// the cache holds only the newest.
func (f *fetcher) storeRelease(sr signedRelease) error {
	key := f.cache.releaseKey(f.r.Mirror, f.r.Suite)
	if !sr.detached {
		if err := writeAtomic(key, sr.data); err != nil {
			return err
		}
		return errors.Join(removeIfExists(key+".Release"), removeIfExists(key+".Release.gpg"))
	}
	if err := writeAtomic(key+".Release.gpg", sr.sig); err != nil {
		return err
	}
	if err := writeAtomic(key+".Release", sr.data); err != nil {
		return err
	}
	return removeIfExists(key)
}

// cachedRelease reads the cached signed Release for Offline mode.
func (f *fetcher) cachedRelease() (signedRelease, error) {
	key := f.cache.releaseKey(f.r.Mirror, f.r.Suite)
	if data, err := os.ReadFile(key); err == nil {
		return signedRelease{data: data}, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return signedRelease{}, newReleaseError(f.where("InRelease"), err)
	}
	data, err := os.ReadFile(key + ".Release")
	if errors.Is(err, fs.ErrNotExist) {
		return signedRelease{}, newOfflineError(f.where("InRelease"), key)
	}
	if err != nil {
		return signedRelease{}, newReleaseError(f.where("Release"), err)
	}
	sig, err := os.ReadFile(key + ".Release.gpg")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return signedRelease{}, newReleaseError(f.where("Release.gpg"), err)
	}
	return signedRelease{data: data, sig: sig, detached: true}, nil
}
