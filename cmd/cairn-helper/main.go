// Command cairn-helper is the small static binary cairn mounts into
// BuildKit exec steps to do pure-Go work inside the build graph: packing a
// directory into a reproducible tar or (compressed) initramfs cpio archive,
// unpacking a Debian package into its own layer the way dpkg's unpack
// phase would, writing root file systems as an OCI image layout, and
// writing bootable media: ISO 9660 images and volume sets, FAT
// filesystems, partitioned disk images, and the kernel-module selection of
// an initramfs. ext4 and squashfs it makes by driving mke2fs and
// mksquashfs (found in PATH, inside cairn's tools root) with fixed IDs and
// times.
//
// It exists because cairn's outputs must be bit-for-bit reproducible and
// the tools found in a build image are not: host tar and cpio record
// mtimes, owners and readdir order, and dpkg and image tools stamp the
// current time. The binary itself is built reproducibly (CGO_ENABLED=0,
// -trimpath, -ldflags='-s -w -buildid='), and its output never depends on
// the clock or on map iteration order. To stay small it imports, besides
// the standard library and cairn's own internal packages, only the xz
// (github.com/therootcompany/xz, github.com/ulikunitz/xz) and zstd
// (github.com/klauspost/compress) codecs and golang.org/x/sys/unix for
// xattrs, devices and symlink times.
//
// Usage:
//
//	cairn-helper tar [--epoch N] [--prefix P] [--keep-owners] SRC_DIR OUT_FILE
//	cairn-helper cpio [--epoch N] [--keep-owners] [--compress none|gzip|zstd|xz] SRC_DIR OUT_FILE
//	cairn-helper deb-unpack [--merged-usr] [--arch ARCH] [--epoch N] DEB OUT_DIR
//	cairn-helper oci [--epoch N] --out DIR [--sbom FILE] [--ref NAME] OS/ARCH[/VARIANT]=ROOTFS_DIR...
//	cairn-helper iso [--epoch N] --volume-id ID [--volume-set ID] [--bios PATH] [--efi-image FILE] [--max-volume-size BYTES] [--first PATH]... [--name BASE] SRC_DIR OUT_DIR
//	cairn-helper mkfs --type fat|fat32|ext4|squashfs [--label L] [--size BYTES] [--epoch N] [--id-salt S] [--offset BYTES] SRC_DIR OUT_FILE
//	cairn-helper disk --spec SPEC.json OUT_DIR
//	cairn-helper kmods --root DIR [--kver VER] [--epoch N] --out DIR MODULE...
//	cairn-helper version
//
// The epoch defaults to $SOURCE_DATE_EPOCH when set and non-empty, else 0.
// Archive entries are owned by 0:0 unless --keep-owners is given: then
// each keeps its numeric owner on disk and, in tar, its extended
// attributes (file capabilities among them). OUT_FILE is written
// atomically. deb-unpack creates OUT_DIR if missing and needs root
// (numeric owners, devices); oci requires DIR to be missing or empty.
// Errors go to stderr prefixed with "cairn-helper: "; the exit status is
// 1 for failures and 2 for usage errors.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// version identifies this build of the helper; bump it whenever the
// output of any subcommand changes.
const version = "cairn-helper 0.2.0"

// env gives a subcommand its surroundings, so tests can run it in-process.
type env struct {
	stdout io.Writer
	lookup func(string) (string, bool)
}

// command is one row of the dispatch table.
type command struct {
	name  string
	usage string
	run   func(e env, args []string) error
}

// commands is the dispatch table.
func commands() []command {
	return []command{
		{"tar", "tar [--epoch N] [--prefix P] [--keep-owners] SRC_DIR OUT_FILE", runTar},
		{"cpio", "cpio [--epoch N] [--keep-owners] [--compress none|gzip|zstd|xz] SRC_DIR OUT_FILE", runCpio},
		{"deb-unpack", "deb-unpack [--merged-usr] [--arch ARCH] [--epoch N] DEB OUT_DIR", runDebUnpack},
		{"oci", "oci [--epoch N] --out DIR [--sbom FILE] [--ref NAME] OS/ARCH[/VARIANT]=ROOTFS_DIR...", runOCI},
		{"iso", "iso [--epoch N] --volume-id ID [--volume-set ID] [--bios PATH] [--efi-image FILE] [--max-volume-size BYTES] [--first PATH]... [--name BASE] SRC_DIR OUT_DIR", runISO},
		{"mkfs", "mkfs --type fat|fat32|ext4|squashfs [--label L] [--size BYTES] [--epoch N] [--id-salt S] [--offset BYTES] SRC_DIR OUT_FILE", runMkfs},
		{"disk", "disk --spec SPEC.json OUT_DIR", runDisk},
		{"kmods", "kmods --root DIR [--kver VER] [--epoch N] --out DIR MODULE...", runKmods},
		{"version", "version", runVersion},
	}
}

func main() {
	os.Exit(run(os.Args[1:], env{stdout: os.Stdout, lookup: os.LookupEnv}, os.Stderr))
}

// run dispatches args and returns the exit status.
func run(args []string, e env, stderr io.Writer) int {
	if len(args) == 0 {
		return fail(stderr, usageErrorf("no subcommand"))
	}
	if isHelp(args[0]) {
		fmt.Fprint(e.stdout, usage())
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return fail(stderr, c.run(e, args[1:]))
		}
	}
	return fail(stderr, usageErrorf("unknown subcommand %q", args[0]))
}

// isHelp reports whether arg asks for the usage text.
func isHelp(arg string) bool {
	return arg == "help" || arg == "-h" || arg == "--help"
}

// fail reports err, if any, and returns the matching exit status.
func fail(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "cairn-helper: %s\n", err)
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprint(stderr, usage())
		return 2
	}
	return 1
}

// usage lists every subcommand.
func usage() string {
	var b strings.Builder
	b.WriteString("usage:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  cairn-helper %s\n", c.usage)
	}
	return b.String()
}

// newFlagSet returns a flag set that reports errors instead of printing
// or exiting.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseArgs parses flags and requires exactly n positional arguments.
func parseArgs(fs *flag.FlagSet, args []string, n int) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		return nil, usageErrorf("%s: %w", fs.Name(), err)
	}
	if fs.NArg() != n {
		return nil, usageErrorf("%s: want %d arguments, got %d", fs.Name(), n, fs.NArg())
	}
	return fs.Args(), nil
}
