package request

import (
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/internal/epoch"
)

// Sums asks for a checksum file named Name in the directory Out listing
// the SHA-256 of every regular file under Src, in the format sha256sum -c
// reads, and, when Key names an OpenPGP secret key file, Name.sign (an
// armored detached signature, made at Epoch) and SumsKeyFile.
type Sums struct {
	Src  string `json:"src"`
	Out  string `json:"out"`
	Name string `json:"name"`
	Key  string `json:"key,omitempty"`
	// KeyID is the signing key's fingerprint, when the compiler knew it:
	// it keys the step, and the helper refuses another key.
	KeyID string `json:"key_id,omitempty"`
	// Transit signs instead of Key: a key of a signing service, with its
	// OpenPGP certificate.
	Transit *Transit    `json:"transit,omitempty"`
	Epoch   epoch.Epoch `json:"epoch"`
}

// SumsKeyFile is the public key's name beside signed checksums.
const SumsKeyFile = "signing-key.asc"

// SignSuffix ends the name of a detached signature beside what it signs.
const SignSuffix = ".sign"

// Command implements Request.
func (Sums) Command() string { return "sums" }

// Check implements Request.
func (r Sums) Check() error {
	if err := checkPGPTransit(r.Command(), r.Key, r.Transit); err != nil {
		return err
	}
	if err := required(r.Command(), "src", r.Src, "out", r.Out, "name", r.Name); err != nil {
		return err
	}
	if strings.Contains(r.Name, "/") {
		return fmt.Errorf("%s request: name %q is a path; want a file name", r.Command(), r.Name)
	}
	return outside(r.Command(), r.Src, r.Out)
}

func (r *Sums) stamp() *epoch.Epoch { return &r.Epoch }
