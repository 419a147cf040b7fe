package request

import "fmt"

// Pack asks for every sparse regular file under Dir, changed in place, to
// be replaced by its packed form (internal/ingraph/sparse) under its name
// plus ".cairn-sparse": a file of at least MinHoles bytes of holes, with
// one link and no extended attributes. Only the CLI asks for it, for its
// own export, and unpacks what arrives (see stdlib.CompileOptions).
type Pack struct {
	Dir      string `json:"dir"`
	MinHoles int64  `json:"min_holes"`
}

// Command implements Request.
func (Pack) Command() string { return "pack" }

// Check implements Request.
func (r Pack) Check() error {
	if err := required(r.Command(), "dir", r.Dir); err != nil {
		return err
	}
	if r.MinHoles <= 0 {
		return fmt.Errorf("%s request: min_holes must be positive, not %d", r.Command(), r.MinHoles)
	}
	return nil
}
