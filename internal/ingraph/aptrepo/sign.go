package aptrepo

import (
	"bytes"
	"path"

	"github.com/cairn-build/cairn/internal/ingraph/pgpsign"
	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// sign writes InRelease, Release.gpg and the public key, signed by the
// key file at the epoch (see pgpsign), so the same key signs the same
// Release to the same bytes.
func (w *writer) sign(req request.AptRepo, dist string, release []byte) error {
	s, err := pgpsign.Open(req.Key, req.Transit, req.Epoch)
	if err != nil {
		return err
	}
	if err := s.Check(req.KeyID); err != nil {
		return err
	}
	in, err := s.ClearSign(release)
	if err != nil {
		return err
	}
	if err := w.put(path.Join(dist, "InRelease"), in); err != nil {
		return err
	}
	det, err := s.Detached(bytes.NewReader(release))
	if err != nil {
		return err
	}
	if err := w.put(path.Join(dist, "Release.gpg"), det); err != nil {
		return err
	}
	pub, err := s.PublicKey()
	if err != nil {
		return err
	}
	return w.put(request.KeyFile, pub)
}
