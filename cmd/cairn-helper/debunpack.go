package main

import "github.com/cairn-build/cairn/internal/debunpack"

// runDebUnpack implements
// "deb-unpack [--merged-usr] [--arch ARCH] [--epoch N] DEB OUT_DIR".
func runDebUnpack(e env, args []string) error {
	fs := newFlagSet("deb-unpack")
	merged := fs.Bool("merged-usr", false, "write bin, sbin, lib* below usr/")
	arch := fs.String("arch", "", "architecture the package must be for")
	var epoch epochFlag
	fs.Var(&epoch, "epoch", "mtime of generated files, in `seconds` since 1970")
	pos, err := parseArgs(fs, args, 2)
	if err != nil {
		return err
	}
	seconds, err := epoch.resolve(e.lookup)
	if err != nil {
		return err
	}
	opts := debunpack.Options{MergedUsr: *merged, Arch: *arch, Epoch: seconds}
	_, err = debunpack.UnpackFile(pos[0], pos[1], opts)
	return err
}
