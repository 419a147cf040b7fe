package request

import (
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/internal/epoch"
)

// UKI asks for a unified kernel image written to Out: the EFI stub file
// Stub with the kernel file Linux, the initramfs file Initrd, the kernel
// command line Cmdline and, when given, the os-release file OSRelease as
// its sections.
type UKI struct {
	Stub      string      `json:"stub"`
	Linux     string      `json:"linux"`
	Initrd    string      `json:"initrd,omitempty"`
	Cmdline   string      `json:"cmdline,omitempty"`
	OSRelease string      `json:"osrel,omitempty"`
	Out       string      `json:"out"`
	Epoch     epoch.Epoch `json:"epoch"`
}

// Command implements Request.
func (UKI) Command() string { return "uki" }

// Check implements Request.
func (r UKI) Check() error {
	if err := required(r.Command(), "stub", r.Stub, "linux", r.Linux, "out", r.Out); err != nil {
		return err
	}
	if strings.HasSuffix(r.Out, "/") {
		return fmt.Errorf("%s request: out %q is a directory; want a file", r.Command(), r.Out)
	}
	return nil
}

func (r *UKI) stamp() *epoch.Epoch { return &r.Epoch }

// EFIVars asks for a UEFI variable store, the template file Template with
// the certificate files PK, KEK and DB (PEM or DER) enrolled for Secure
// Boot, written as Out/Name beside PK.esl, KEK.esl and db.esl.
type EFIVars struct {
	Template string      `json:"template"`
	PK       string      `json:"pk"`
	KEK      []string    `json:"kek"`
	DB       []string    `json:"db"`
	Out      string      `json:"out"`
	Name     string      `json:"name"`
	Epoch    epoch.Epoch `json:"epoch"`
}

// Command implements Request.
func (EFIVars) Command() string { return "efi-vars" }

// Check implements Request.
func (r EFIVars) Check() error {
	if err := required(r.Command(), "template", r.Template, "pk", r.PK, "out", r.Out, "name", r.Name); err != nil {
		return err
	}
	if len(r.KEK) == 0 || len(r.DB) == 0 {
		return fmt.Errorf("%s request: kek and db need a certificate each", r.Command())
	}
	if strings.Contains(r.Name, "/") {
		return fmt.Errorf("%s request: name %q is a path; want a file name", r.Command(), r.Name)
	}
	return nil
}

func (r *EFIVars) stamp() *epoch.Epoch { return &r.Epoch }
