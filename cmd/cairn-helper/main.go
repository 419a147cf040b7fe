// Command cairn-helper is the small static binary cairn mounts into
// BuildKit exec steps to do pure-Go work inside the build graph: archives,
// Debian package unpacking, OCI layouts, ISO images, file systems, disk
// images and the kernel modules of an initramfs.
//
// It exists because cairn's outputs must be bit-for-bit reproducible and
// the tools found in a build image are not: host tar and cpio record
// mtimes, owners and readdir order, and dpkg and image tools stamp the
// current time. The binary itself is built reproducibly (CGO_ENABLED=0,
// -trimpath, -ldflags='-s -w -buildid='), and its output never depends on
// the clock or on map iteration order.
//
// This file only dispatches: each subcommand reads one typed request of
// internal/ingraph/request, the contract cairn's compiler writes, and hands
// it to the internal/ingraph package that does the work. Usage:
//
//	cairn-helper COMMAND --request JSON
//	cairn-helper version
//
// A request written without an epoch gets $SOURCE_DATE_EPOCH, or cairn's
// default epoch when that is unset. Outputs are written atomically. Errors
// go to stderr prefixed with "cairn-helper: COMMAND: "; the exit status is
// 1 for failures and 2 for usage errors (a malformed or invalid request).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/aptrepo"
	"github.com/cairn-build/cairn/internal/ingraph/archive"
	"github.com/cairn-build/cairn/internal/ingraph/authenticode"
	"github.com/cairn-build/cairn/internal/ingraph/debunpack"
	"github.com/cairn-build/cairn/internal/ingraph/diskimg"
	"github.com/cairn-build/cairn/internal/ingraph/dsse"
	"github.com/cairn-build/cairn/internal/ingraph/iso9660"
	"github.com/cairn-build/cairn/internal/ingraph/kconfig"
	"github.com/cairn-build/cairn/internal/ingraph/kmod"
	"github.com/cairn-build/cairn/internal/ingraph/mkfs"
	"github.com/cairn-build/cairn/internal/ingraph/modsign"
	"github.com/cairn-build/cairn/internal/ingraph/ocilayout"
	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/ingraph/sparse"
	"github.com/cairn-build/cairn/internal/ingraph/sums"
	"github.com/cairn-build/cairn/internal/ingraph/uefi"
)

// version identifies this build of the helper; bump it whenever the
// output of any subcommand or the request format changes.
const version = "cairn-helper 0.7.0"

// command is one row of the dispatch table: run decodes the request and
// carries it out.
type command struct {
	name, summary string
	run           func(data string, stdout, stderr io.Writer) error
}

// commands is the dispatch table.
func commands() []command {
	return []command{
		{"tar", "a directory as a reproducible PAX tar archive", serve(archive.RunTar)},
		{"cpio", "a directory as a reproducible newc cpio archive, optionally compressed", serve(archive.RunCpio)},
		{"deb-unpack", "Debian packages, each unpacked into its own directory", serve(debunpack.Run)},
		{"oci", "root file systems as an OCI image layout", serve(ocilayout.Run)},
		{"iso", "a directory as an ISO 9660 image or volume set", serve(iso9660.Run)},
		{"mkfs", "a directory as a FAT, ext4 or squashfs image; prints a JSON line", report(mkfs.Run)},
		{"disk", "a partitioned disk image; prints a JSON line", report(diskimg.Run)},
		{"apt-repo", "a signed Debian archive of .deb files", serve(aptrepo.Run)},
		{"kmods", "kernel modules with their dependencies and firmware; prints the load order", serveKmods},
		{"efi-sign", "a PE/COFF image signed for UEFI Secure Boot", serve(authenticode.Run)},
		{"mod-sign", "kernel modules signed as scripts/sign-file signs them", serve(modsign.Run)},
		{"attest-sign", "in-toto statements signed into DSSE envelopes, one a line", serve(dsse.Run)},
		{"uki", "a unified kernel image: an EFI stub with the kernel, initramfs and command line", serve(uefi.RunUKI)},
		{"efi-vars", "a UEFI variable store with PK, KEK and db enrolled for Secure Boot, and their signature lists", serve(uefi.RunVars)},
		{"sums", "a SHA256SUMS of a tree, with a detached OpenPGP signature when given a key", serve(sums.Run)},
		{"pack", "sparse files packed in place for a stream that has no holes", serve(sparse.RunPack)},
		{"kconfig-check", "fails naming the config symbols a kernel's fragments asked for and olddefconfig dropped", serve(kconfig.Run)},
	}
}

// requestPtr is a pointer to a request type R.
type requestPtr[R any] interface {
	*R
	request.Request
}

// decode reads data into a new R, reporting failures as usage errors.
func decode[R any, P requestPtr[R]](data string) (R, error) {
	var r R
	if err := request.Decode(data, P(&r)); err != nil {
		return r, &usageError{err}
	}
	return r, nil
}

// serve adapts a subcommand that prints nothing.
func serve[R any, P requestPtr[R]](run func(R) error) func(string, io.Writer, io.Writer) error {
	return func(data string, _, _ io.Writer) error {
		r, err := decode[R, P](data)
		if err != nil {
			return err
		}
		return run(r)
	}
}

// report adapts a subcommand whose result is printed as one line of JSON.
func report[R any, P requestPtr[R], T any](run func(R) (T, error)) func(string, io.Writer, io.Writer) error {
	return func(data string, stdout, _ io.Writer) error {
		r, err := decode[R, P](data)
		if err != nil {
			return err
		}
		res, err := run(r)
		if err != nil {
			return err
		}
		line, err := json.Marshal(res)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", line)
		return err
	}
}

// serveKmods runs kmods, whose missing-firmware warnings go to stderr.
func serveKmods(data string, stdout, stderr io.Writer) error {
	r, err := decode[request.Kmods](data)
	if err != nil {
		return err
	}
	return kmod.Run(r, stdout, stderr)
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return fail(stderr, "", &usageError{errors.New("no command")})
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage())
		return 0
	case "version":
		if len(args) != 1 {
			return fail(stderr, "version", &usageError{errors.New("takes no arguments")})
		}
		fmt.Fprintln(stdout, version)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			data, err := requestArg(c.name, args[1:])
			if err == nil {
				err = c.run(data, stdout, stderr)
			}
			return fail(stderr, c.name, err)
		}
	}
	return fail(stderr, "", &usageError{fmt.Errorf("unknown command %q", args[0])})
}

// requestArg returns the value of the one flag, --request.
func requestArg(name string, args []string) (string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	data := fs.String(strings.TrimPrefix(request.Flag, "--"), "", "the request as JSON")
	if err := fs.Parse(args); err != nil {
		return "", &usageError{err}
	}
	if *data == "" || fs.NArg() != 0 {
		return "", &usageError{fmt.Errorf("want %s JSON and nothing else", request.Flag)}
	}
	return *data, nil
}

// usageError is a mistake in the command line or the request: exit 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// fail reports err, if any, and returns the matching exit status.
func fail(stderr io.Writer, name string, err error) int {
	if err == nil {
		return 0
	}
	if name != "" {
		name += ": "
	}
	fmt.Fprintf(stderr, "cairn-helper: %s%s\n", name, err)
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprint(stderr, usage())
		return 2
	}
	return 1
}

// usage lists every command.
func usage() string {
	var b strings.Builder
	fmt.Fprintf(&b, "usage: cairn-helper COMMAND %s JSON\n       cairn-helper version\n", request.Flag)
	b.WriteString("commands (each reads its request type of internal/ingraph/request):\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-11s %s\n", c.name, c.summary)
	}
	return b.String()
}
