package main

import (
	"flag"
	"os"

	"github.com/cairn-build/cairn/internal/ingraph/ocilayout"
)

// runOCI implements
// "oci [--epoch N] --out DIR [--sbom FILE] [--ref NAME] IMAGE...".
func runOCI(e env, args []string) error {
	fs := newFlagSet("oci")
	var epoch epochFlag
	fs.Var(&epoch, "epoch", "mtime of every layer entry and creation time, in `seconds` since 1970")
	out := fs.String("out", "", "`directory` to write the layout to; missing or empty")
	sbom := fs.String("sbom", "", "SPDX JSON `file` to attach to every image")
	ref := fs.String("ref", "", "org.opencontainers.image.ref.name of the images")
	images, err := parseImages(fs, args)
	if err != nil {
		return err
	}
	if *out == "" {
		return usageErrorf("oci: --out is required")
	}
	opts := ocilayout.Options{Ref: *ref}
	if opts.Epoch, err = epoch.resolve(e.lookup); err != nil {
		return err
	}
	if *sbom != "" {
		if opts.SBOM, err = os.ReadFile(*sbom); err != nil {
			return err
		}
	}
	return ocilayout.Write(*out, images, opts)
}

// parseImages parses the flags and at least one "os/arch[/variant]=DIR"
// argument.
func parseImages(fs *flag.FlagSet, args []string) ([]ocilayout.Image, error) {
	if err := fs.Parse(args); err != nil {
		return nil, usageErrorf("%s: %w", fs.Name(), err)
	}
	if fs.NArg() == 0 {
		return nil, usageErrorf("%s: want at least one os/arch[/variant]=ROOTFS_DIR argument", fs.Name())
	}
	var images []ocilayout.Image
	for _, arg := range fs.Args() {
		img, err := ocilayout.ParseImage(arg)
		if err != nil {
			return nil, &usageError{err}
		}
		images = append(images, img)
	}
	return images, nil
}
