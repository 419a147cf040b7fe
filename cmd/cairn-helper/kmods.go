package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cairn-build/cairn/internal/ingraph/kmod"
)

// warnings receives kmods' missing-firmware lines; tests replace it.
var warnings io.Writer = os.Stderr

// runKmods implements "kmods --root DIR [--kver VER] --out DIR MODULE...":
// it copies MODULEs, everything they need and the firmware they name from
// the unpacked kernel package at --root into --out/usr/lib/..., prints one
// "name path" line per module in load order ("name builtin" for a
// built-in one) and one "firmware path" line per firmware file copied, and
// warns on stderr, as mkinitramfs does, about firmware it cannot find.
func runKmods(e env, args []string) error {
	fs := newFlagSet("kmods")
	root := fs.String("root", "", "`dir`ectory holding the unpacked kernel package")
	kver := fs.String("kver", "", "kernel `version`, needed when the root holds several")
	out := fs.String("out", "", "`dir`ectory to create and fill")
	var epoch epochFlag
	fs.Var(&epoch, "epoch", "mtime of every output file, in `seconds` since 1970")
	names, err := parseKmodsArgs(fs, args, root, out)
	if err != nil {
		return err
	}
	seconds, err := epoch.resolve(e.lookup)
	if err != nil {
		return err
	}
	sel, err := selectModules(*root, *kver, names)
	if err != nil {
		return err
	}
	if err := sel.Write(*out, time.Unix(seconds, 0)); err != nil {
		return fmt.Errorf("kmods: %w", err)
	}
	return report(e.stdout, sel)
}

// parseKmodsArgs parses the flags and requires --root, --out and at least
// one module name.
func parseKmodsArgs(fs *flag.FlagSet, args []string, root, out *string) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		return nil, usageErrorf("%s: %w", fs.Name(), err)
	}
	switch {
	case *root == "" || *out == "":
		return nil, usageErrorf("%s: --root and --out are required", fs.Name())
	case fs.NArg() == 0:
		return nil, usageErrorf("%s: want at least one MODULE name", fs.Name())
	}
	return fs.Args(), nil
}

// selectModules opens the kernel tree and selects names with their
// dependencies, printing a warning per missing firmware file.
func selectModules(root, kver string, names []string) (*kmod.Selection, error) {
	tree, err := kmod.Open(root, kver)
	if err != nil {
		return nil, fmt.Errorf("kmods: %w", err)
	}
	sel, err := tree.Select(names...)
	if err != nil {
		return nil, fmt.Errorf("kmods: %w", err)
	}
	for _, fw := range sel.Missing {
		fmt.Fprintln(warnings, fw.Warning())
	}
	return sel, nil
}

// report prints the selected modules and the firmware copied.
func report(w io.Writer, sel *kmod.Selection) error {
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
