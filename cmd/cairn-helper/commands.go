package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
)

// encoder is the shape of archive.WriteTar and archive.WriteCpio.
type encoder func(w io.Writer, root string, opts archive.Options) error

// runTar implements
// "tar [--epoch N] [--prefix P] [--keep-owners] SRC_DIR OUT_FILE".
func runTar(e env, args []string) error {
	fs := newFlagSet("tar")
	prefix := fs.String("prefix", "", "directory `path` inside the archive to place the tree under")
	return runArchive(e, fs, args, archive.WriteTar, func(o *archive.Options) { o.Prefix = *prefix })
}

// runCpio implements
// "cpio [--epoch N] [--keep-owners] [--compress none|gzip|zstd|xz] SRC_DIR OUT_FILE".
func runCpio(e env, args []string) error {
	fs := newFlagSet("cpio")
	compress := compressFlag("none")
	fs.Var(&compress, "compress", "compression of the archive: none, gzip, zstd or xz, each in a form the Linux initramfs unpacker accepts")
	return runArchive(e, fs, args, compress.wrap(archive.WriteCpio), func(*archive.Options) {})
}

// runArchive parses the shared flags and arguments and writes the archive
// with uid and gid 0 or, with --keep-owners, the owners and extended
// attributes found on disk (cpio has no place for the latter); set
// applies the command's own flags to the options.
func runArchive(e env, fs *flag.FlagSet, args []string, enc encoder, set func(*archive.Options)) error {
	var epoch epochFlag
	fs.Var(&epoch, "epoch", "mtime of every entry, in `seconds` since 1970")
	keep := fs.Bool("keep-owners", false, "record owners and extended attributes as found on disk instead of 0:0")
	pos, err := parseArgs(fs, args, 2)
	if err != nil {
		return err
	}
	src, out := pos[0], pos[1]
	if err := checkOutside(src, out); err != nil {
		return err
	}
	seconds, err := epoch.resolve(e.lookup)
	if err != nil {
		return err
	}
	opts := archive.Reproducible(seconds)
	if *keep {
		opts.UID, opts.GID, opts.Xattrs = nil, nil, true
	}
	set(&opts)
	return writeAtomic(out, func(w io.Writer) error { return enc(w, src, opts) })
}

// runVersion implements "version".
func runVersion(e env, args []string) error {
	if _, err := parseArgs(newFlagSet("version"), args, 0); err != nil {
		return err
	}
	_, err := fmt.Fprintln(e.stdout, version)
	return err
}
