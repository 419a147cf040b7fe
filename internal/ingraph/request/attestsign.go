package request

import (
	"fmt"

	"github.com/cairn-build/cairn/internal/epoch"
)

// AttestSign asks for the in-toto statements In (a target's provenance
// and SBOM) signed into DSSE envelopes, one per line of the file Out.
type AttestSign struct {
	In []string `json:"in"`
	Signer
	Out   string      `json:"out"`
	Epoch epoch.Epoch `json:"epoch"`
}

// Command implements Request.
func (AttestSign) Command() string { return "attest-sign" }

// Check implements Request.
func (r AttestSign) Check() error {
	if err := required(r.Command(), "cert", r.Cert, "out", r.Out); err != nil {
		return err
	}
	if len(r.In) == 0 {
		return fmt.Errorf("%s request: in is required", r.Command())
	}
	return r.Signer.check(r.Command())
}

func (r *AttestSign) stamp() *epoch.Epoch { return &r.Epoch }
