package request

import (
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/internal/epoch"
)

// ModSign asks for every kernel module (*.ko) under the directory In,
// or only those in a directory named Subdir when it is set ("updates":
// the modules cairn built, not the kernel's own), signed as the kernel's
// scripts/sign-file signs (a detached PKCS#7 appended), written at the
// same paths under Out.
type ModSign struct {
	In     string `json:"in"`
	Subdir string `json:"subdir,omitempty"`
	Signer
	Out   string      `json:"out"`
	Epoch epoch.Epoch `json:"epoch"`
}

// Command implements Request.
func (ModSign) Command() string { return "mod-sign" }

// Check implements Request.
func (r ModSign) Check() error {
	if err := required(r.Command(), "in", r.In, "cert", r.Cert, "out", r.Out); err != nil {
		return err
	}
	if strings.HasPrefix(r.Out, r.In+"/") || r.Out == r.In {
		return fmt.Errorf("%s request: out %q is inside in %q", r.Command(), r.Out, r.In)
	}
	return r.Signer.check(r.Command())
}

func (r *ModSign) stamp() *epoch.Epoch { return &r.Epoch }
