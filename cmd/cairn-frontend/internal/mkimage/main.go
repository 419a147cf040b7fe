// Command mkimage writes the cairn-frontend image: one static binary per
// platform on an empty base, as an OCI image layout and as the same layout
// in one tar (an OCI archive, which skopeo, podman and docker load read).
//
// `make frontend-image` runs it. It is Go rather than a Dockerfile because
// cairn does not assume Docker, and because the image must be reproducible:
// its digest is what CI pins (source=IMAGE@sha256:...), so every byte
// comes from the binaries and SOURCE_DATE_EPOCH, nothing from the clock or
// the host. The layout and the archive are written by the writers that
// write cairn's own OCI images in the build (internal/ingraph/ocilayout and
// the deterministic tar of internal/ingraph/archive): sorted JSON, fixed
// tar headers, gzip without name or time.
//
//	go run ./cmd/cairn-frontend/internal/mkimage -o DIR -tar FILE linux/amd64=BIN linux/arm64=BIN
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/cairn-build/cairn/internal/epoch"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "mkimage: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("mkimage", flag.ContinueOnError)
	dir := fs.String("o", "", "write the OCI image layout to `dir` (replaced)")
	tarFile := fs.String("tar", "", "also write the layout as one OCI archive `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || fs.NArg() == 0 {
		return fmt.Errorf("usage: mkimage -o DIR [-tar FILE] OS/ARCH=BINARY...")
	}
	ep, err := epoch.FromEnv()
	if err != nil {
		return err
	}
	var bins []platformBinary
	for _, a := range fs.Args() {
		b, err := parseBinary(a)
		if err != nil {
			return err
		}
		bins = append(bins, b)
	}
	if err := writeLayout(*dir, bins, ep); err != nil {
		return err
	}
	if *tarFile != "" {
		return writeArchive(*tarFile, *dir, ep)
	}
	return nil
}

// platformBinary is one platform's frontend binary.
type platformBinary struct {
	os, arch string
	data     []byte
}

func parseBinary(arg string) (platformBinary, error) {
	plat, file, ok := strings.Cut(arg, "=")
	osName, arch, ok2 := strings.Cut(plat, "/")
	if !ok || !ok2 || osName == "" || arch == "" {
		return platformBinary{}, fmt.Errorf("%q: want OS/ARCH=BINARY, e.g. linux/amd64=bin/cairn-frontend-linux-amd64", arg)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return platformBinary{}, fmt.Errorf("reading the %s binary: %w", plat, err)
	}
	return platformBinary{os: osName, arch: arch, data: data}, nil
}
