package request

import "github.com/cairn-build/cairn/internal/epoch"

// Tar asks for a PAX tar archive of the tree at Src, written to the file
// Out: entries sorted, stamped with Epoch and owned by 0:0 unless
// KeepOwners.
type Tar struct {
	Src   string      `json:"src"`
	Out   string      `json:"out"`
	Epoch epoch.Epoch `json:"epoch"`
	// Prefix is the directory inside the archive the tree goes under;
	// empty for the root.
	Prefix string `json:"prefix,omitempty"`
	// KeepOwners records each entry's numeric owner and extended
	// attributes (file capabilities among them) as found on disk.
	KeepOwners bool `json:"keep_owners,omitempty"`
}

// Command implements Request.
func (Tar) Command() string { return "tar" }

// Check implements Request.
func (r Tar) Check() error {
	if err := required(r.Command(), "src", r.Src, "out", r.Out); err != nil {
		return err
	}
	return outside(r.Command(), r.Src, r.Out)
}

func (r *Tar) stamp() *epoch.Epoch { return &r.Epoch }

// Compressions are the values of Cpio.Compress, each in a form the Linux
// initramfs unpacker accepts; "" means "none".
var Compressions = []string{"none", "gzip", "zstd", "xz"}

// Cpio asks for a newc cpio archive (the initramfs format) of the tree at
// Src, written to the file Out, like Tar.
type Cpio struct {
	Src   string      `json:"src"`
	Out   string      `json:"out"`
	Epoch epoch.Epoch `json:"epoch"`
	// KeepOwners records each entry's numeric owner as found on disk
	// (cpio has no place for extended attributes).
	KeepOwners bool `json:"keep_owners,omitempty"`
	// Compress is one of Compressions.
	Compress string `json:"compress,omitempty"`
}

// Command implements Request.
func (Cpio) Command() string { return "cpio" }

// Check implements Request.
func (r Cpio) Check() error {
	if err := required(r.Command(), "src", r.Src, "out", r.Out); err != nil {
		return err
	}
	if r.Compress != "" {
		if err := oneOf(r.Command(), "compress", r.Compress, Compressions); err != nil {
			return err
		}
	}
	return outside(r.Command(), r.Src, r.Out)
}

func (r *Cpio) stamp() *epoch.Epoch { return &r.Epoch }
