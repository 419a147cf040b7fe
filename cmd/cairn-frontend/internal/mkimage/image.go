package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/ingraph/archive"
	"github.com/cairn-build/cairn/internal/ingraph/ocilayout"
)

// entrypoint is where the binary sits: outside /run, which BuildKit runs
// when an image has no entrypoint.
const entrypoint = "/bin/cairn-frontend"

// refName tags the image inside the layout (oci:DIR:latest).
const refName = "latest"

// config is the frontend's runtime configuration: the binary, and the
// label telling BuildKit that the frontend needs no network.
var config = ocilayout.Config{
	Entrypoint: []string{entrypoint},
	Labels:     map[string]string{"moby.buildkit.frontend.network.none": "true"},
}

// writeLayout replaces dir with the image layout: one image per binary,
// each holding only that binary at /bin/cairn-frontend.
func writeLayout(dir string, bins []platformBinary, ep epoch.Epoch) error {
	images := make([]ocilayout.FilesImage, len(bins))
	for i, b := range bins {
		images[i] = ocilayout.FilesImage{
			Platform: ocilayout.Platform{OS: b.os, Architecture: b.arch},
			Files:    []archive.MemFile{{Path: entrypoint[1:], Perm: 0o755, Data: b.data}},
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return ocilayout.WriteFiles(dir, images, ocilayout.Options{Epoch: ep.Unix(), Ref: refName, Config: &config})
}

// writeArchive writes the layout in dir to file as one tar.
func writeArchive(file, dir string, ep epoch.Epoch) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	err = ocilayout.WriteArchive(w, dir, ep.Unix())
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	return nil
}
