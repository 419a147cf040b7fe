package authenticode

import (
	"errors"
	"os"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/ingraph/signer"
)

// Run signs r.In with the signer r names into r.Out, written under a
// temporary name and renamed into place.
func Run(r request.EFISign) error {
	image, err := os.ReadFile(r.In)
	if err != nil {
		return err
	}
	cert, key, err := signer.Open(r.Signer)
	if err != nil {
		return err
	}
	signed, err := Sign(image, cert, key)
	if errors.Is(err, ErrKeyMismatch) {
		return signer.Mismatch(r.Signer, cert)
	}
	if err != nil {
		return err
	}
	return r.Epoch.WriteFile(r.Out, signed)
}
