// Command cairn-helper is the small static binary cairn mounts into
// BuildKit exec steps to do pure-Go work inside the build graph: packing a
// directory into a reproducible tar or initramfs cpio archive, unpacking a
// Debian package into its own layer the way dpkg's unpack phase would,
// and writing root file systems as an OCI image layout.
//
// It exists because cairn's outputs must be bit-for-bit reproducible and
// the tools found in a build image are not: host tar and cpio record
// mtimes, owners and readdir order, and dpkg and image tools stamp the
// current time. The binary itself is built reproducibly (CGO_ENABLED=0,
// -trimpath, -ldflags='-s -w -buildid='), and its output never depends on
// the clock or on map iteration order. To stay small it imports, besides
// the standard library and cairn's internal/archive, internal/debunpack
// and internal/ocilayout, only what reading real .deb files requires: the
// xz (github.com/ulikunitz/xz) and zstd (github.com/klauspost/compress)
// decoders and golang.org/x/sys/unix for xattrs, devices and symlink
// times.
//
// Usage:
//
//	cairn-helper tar [--epoch N] [--prefix P] [--keep-owners] SRC_DIR OUT_FILE
//	cairn-helper cpio [--epoch N] [--keep-owners] SRC_DIR OUT_FILE
//	cairn-helper deb-unpack [--merged-usr] [--arch ARCH] [--epoch N] DEB OUT_DIR
//	cairn-helper oci [--epoch N] --out DIR [--sbom FILE] [--ref NAME] OS/ARCH[/VARIANT]=ROOTFS_DIR...
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
		{"cpio", "cpio [--epoch N] [--keep-owners] SRC_DIR OUT_FILE", runCpio},
		{"deb-unpack", "deb-unpack [--merged-usr] [--arch ARCH] [--epoch N] DEB OUT_DIR", runDebUnpack},
		{"oci", "oci [--epoch N] --out DIR [--sbom FILE] [--ref NAME] OS/ARCH[/VARIANT]=ROOTFS_DIR...", runOCI},
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
