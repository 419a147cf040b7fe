package request

import (
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/internal/epoch"
)

// EFISign asks for the PE/COFF image In signed for UEFI Secure Boot with
// the RSA private key in the file Key (PEM, a secret mount) whose
// certificate is the file Cert (PEM or DER), written to Out.
type EFISign struct {
	In   string `json:"in"`
	Cert string `json:"cert"`
	Key  string `json:"key"`
	// Secret names the secret the key came from, for messages.
	Secret string      `json:"secret,omitempty"`
	Out    string      `json:"out"`
	Epoch  epoch.Epoch `json:"epoch"`
}

// Command implements Request.
func (EFISign) Command() string { return "efi-sign" }

// Check implements Request.
func (r EFISign) Check() error {
	if err := required(r.Command(), "in", r.In, "cert", r.Cert, "key", r.Key, "out", r.Out); err != nil {
		return err
	}
	if strings.HasSuffix(r.Out, "/") {
		return fmt.Errorf("%s request: out %q is a directory; want a file", r.Command(), r.Out)
	}
	return nil
}

func (r *EFISign) stamp() *epoch.Epoch { return &r.Epoch }
