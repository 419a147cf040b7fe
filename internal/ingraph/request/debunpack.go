package request

import (
	"errors"

	"github.com/cairn-build/cairn/internal/epoch"
)

// DebUnpack asks for Debian packages to be unpacked the way dpkg's unpack
// phase would, each into its own directory (its own layer), in one step.
type DebUnpack struct {
	Epoch epoch.Epoch `json:"epoch"`
	// MergedUsr writes bin, sbin and lib* below usr/.
	MergedUsr bool `json:"merged_usr,omitempty"`
	// Arch, when set, is the architecture every package must be for.
	Arch     string `json:"arch,omitempty"`
	Packages []Deb  `json:"packages"`
}

// Deb is one package of a DebUnpack: the .deb File unpacked into the
// directory Out, created if missing.
type Deb struct {
	File string `json:"file"`
	Out  string `json:"out"`
}

// Command implements Request.
func (DebUnpack) Command() string { return "deb-unpack" }

// Check implements Request.
func (r DebUnpack) Check() error {
	if len(r.Packages) == 0 {
		return errors.New("deb-unpack request: packages is empty")
	}
	for _, p := range r.Packages {
		if err := required(r.Command(), "package file", p.File, "package out", p.Out); err != nil {
			return err
		}
	}
	return nil
}

func (r *DebUnpack) stamp() *epoch.Epoch { return &r.Epoch }
