package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/iso9660"
)

// stringList is a repeatable string flag.
type stringList []string

// String joins the values.
func (l *stringList) String() string { return strings.Join(*l, ",") }

// Set appends one value.
func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// isoArgs are the flags of "iso".
type isoArgs struct {
	opts  iso9660.Options
	epoch epochFlag
	first stringList
	name  string
}

// flagSet declares the flags into a.
func (a *isoArgs) flagSet() *flag.FlagSet {
	fs := newFlagSet("iso")
	fs.Var(&a.epoch, "epoch", "every recorded time, in `seconds` since 1970")
	fs.StringVar(&a.opts.VolumeID, "volume-id", "", "volume `label`, at most 32 characters")
	fs.StringVar(&a.opts.VolumeSetID, "volume-set", "", "Volume Set Identifier; derived from the content if empty")
	fs.StringVar(&a.opts.BIOSImage, "bios", "", "`path` inside SRC_DIR of a no-emulation El Torito boot image")
	fs.StringVar(&a.opts.EFIImage, "efi-image", "", "FAT image `file` for the El Torito EFI entry")
	fs.Int64Var(&a.opts.MaxVolumeSize, "max-volume-size", 0, "largest image in `bytes`; 0 for no limit")
	fs.Var(&a.first, "first", "`path` inside SRC_DIR to keep on volume 1 (repeatable)")
	fs.StringVar(&a.name, "name", "image", "base `name` of the output files")
	return fs
}

// runISO implements
// "iso [--epoch N] --volume-id ID [--volume-set ID] [--bios PATH]
// [--efi-image FILE] [--max-volume-size BYTES] [--first PATH]...
// [--name BASE] SRC_DIR OUT_DIR": it writes OUT_DIR/BASE.iso (or the
// volume set BASE-1.iso ... BASE-N.iso) and OUT_DIR/BASE.sha256.
func runISO(e env, args []string) error {
	var a isoArgs
	pos, err := parseArgs(a.flagSet(), args, 2)
	if err != nil {
		return err
	}
	if a.opts.VolumeID == "" {
		return usageErrorf("iso: --volume-id is required")
	}
	src, out := pos[0], pos[1]
	if err := checkOutside(src, out); err != nil {
		return err
	}
	if a.opts.Epoch, err = a.epoch.resolve(e.lookup); err != nil {
		return err
	}
	a.opts.First = a.first
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("iso: create output directory: %w", err)
	}
	if _, err := iso9660.Write(src, out, a.name, a.opts); err != nil {
		return fmt.Errorf("iso: %w", err)
	}
	return nil
}
