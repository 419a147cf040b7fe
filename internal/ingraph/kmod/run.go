package kmod

import (
	"fmt"
	"io"

	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// Run copies the modules req names, everything they need and the firmware
// they name from the unpacked kernel package at req.Root into
// req.Out/usr/lib/..., prints one "name path" line per module in load
// order ("name builtin" for a built-in one) and one "firmware path" line
// per firmware file copied to stdout, and warns, as mkinitramfs does,
// about firmware it cannot find.
func Run(req request.Kmods, stdout, warnings io.Writer) error {
	tree, err := Open(req.Root, req.KernelVersion)
	if err != nil {
		return err
	}
	sel, err := tree.Select(req.Modules...)
	if err != nil {
		return err
	}
	for _, fw := range sel.Missing {
		fmt.Fprintln(warnings, fw.Warning())
	}
	if err := sel.Write(req.Out, req.Epoch.Time()); err != nil {
		return err
	}
	return report(stdout, sel)
}

// report prints the selected modules and the firmware copied.
func report(w io.Writer, sel *Selection) error {
	for _, m := range sel.Modules {
		if _, err := fmt.Fprintln(w, m); err != nil {
			return err
		}
	}
	for _, fw := range sel.Firmware {
		if _, err := fmt.Fprintln(w, "firmware", fw.Path); err != nil {
			return err
		}
	}
	return nil
}
