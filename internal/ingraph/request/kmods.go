package request

import (
	"errors"

	"github.com/cairn-build/cairn/internal/epoch"
)

// Kmods asks for the kernel modules Modules, everything they need and
// the firmware they name, copied from the unpacked kernel package at
// Root into Out/usr/lib/..., with the load list and depmod's indexes.
type Kmods struct {
	Root string `json:"root"`
	// KernelVersion picks the kernel when Root holds several.
	KernelVersion string      `json:"kernel_version,omitempty"`
	Out           string      `json:"out"`
	Epoch         epoch.Epoch `json:"epoch"`
	// Modules are module names or aliases.
	Modules []string `json:"modules"`
}

// Command implements Request.
func (Kmods) Command() string { return "kmods" }

// Check implements Request.
func (r Kmods) Check() error {
	if err := required(r.Command(), "root", r.Root, "out", r.Out); err != nil {
		return err
	}
	if len(r.Modules) == 0 {
		return errors.New("kmods request: modules is empty")
	}
	return nil
}

func (r *Kmods) stamp() *epoch.Epoch { return &r.Epoch }
