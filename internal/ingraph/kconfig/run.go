package kconfig

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// DropError lists the symbols the fragments asked for that the final
// .config does not hold.
type DropError struct{ Mismatches []Mismatch }

func (e *DropError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d config symbol(s) not as the fragments asked after olddefconfig:", len(e.Mismatches))
	for _, m := range e.Mismatches {
		b.WriteString("\n  " + m.String())
	}
	b.WriteString("\nturn on what they depend on in a fragment (or drop them from it)")
	return b.String()
}

// Run serves a kconfig-check request.
func Run(r request.KconfigCheck) error {
	var frags [][]Setting
	for _, f := range r.Fragments {
		data, err := os.ReadFile(f.File)
		if err != nil {
			return fmt.Errorf("fragment %s: %w", f.Name, err)
		}
		s, err := Parse(bytes.NewReader(data), f.Name)
		if err != nil {
			return err
		}
		frags = append(frags, s)
	}
	data, err := os.ReadFile(r.Config)
	if err != nil {
		return err
	}
	final, err := Parse(bytes.NewReader(data), ".config")
	if err != nil {
		return err
	}
	asked := Merge(frags...)
	ms := Check(asked, Values(final), nil)
	if len(ms) == 0 {
		return nil
	}
	// Only a failure needs the Kconfig tree.
	kc, err := Read(os.DirFS(r.Source), map[string]string{"SRCARCH": r.SrcArch})
	if err != nil {
		fmt.Fprintf(os.Stderr, "kconfig-check: the Kconfig files could not be read (%v); dependencies are not shown\n", err)
		kc = nil
	}
	return &DropError{Check(asked, Values(final), kc)}
}
