package ocilayout

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"time"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
)

// gzipLevel is the fixed compression level of layers.
const gzipLevel = gzip.DefaultCompression

// defaultPath is the PATH of the image's environment.
const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// createdBy is the history entry's author.
const createdBy = "cairn"

// writeLayer stores the gzipped deterministic tar of img's root file
// system and returns its descriptor and diff ID.
func writeLayer(s blobStore, img image, epoch int64) (descriptor, string, error) {
	w, err := s.create()
	if err != nil {
		return descriptor{}, "", err
	}
	gz, _ := gzip.NewWriterLevel(w, gzipLevel)
	diff := sha256.New()
	err = img.writeTar(hashingWriter(gz, diff), epoch)
	if err == nil {
		err = gz.Close()
	}
	if err != nil {
		w.abort()
		return descriptor{}, "", errLayer(img.source(), err)
	}
	d, err := w.commit(mediaTypeLayer)
	return d, "sha256:" + hex.EncodeToString(diff.Sum(nil)), err
}

// writeImage stores one image's layer, configuration and manifest and
// returns the manifest's descriptor, with the platform set.
func writeImage(s blobStore, img image, opts Options) (descriptor, error) {
	layer, diffID, err := writeLayer(s, img, opts.Epoch)
	if err != nil {
		return descriptor{}, err
	}
	config, err := s.putJSON(mediaTypeConfig, newConfig(img, diffID, opts))
	if err != nil {
		return descriptor{}, err
	}
	m := manifest{Config: config, Layers: []descriptor{layer}, MediaType: mediaTypeManifest, SchemaVersion: 2}
	d, err := s.putJSON(mediaTypeManifest, m)
	platform := img.platform
	d.Platform = &platform
	return d, err
}

// newConfig returns the configuration of an image whose one layer has
// the given diff ID.
func newConfig(img image, diffID string, opts Options) imageConfig {
	created := time.Unix(opts.Epoch, 0).UTC().Format(time.RFC3339)
	return imageConfig{
		Architecture: img.platform.Architecture,
		Config:       runtimeConfig(img, opts.Config),
		Created:      created,
		History:      []history{{Created: created, CreatedBy: createdBy}},
		OS:           img.platform.OS,
		RootFS:       rootFS{DiffIDs: []string{diffID}, Type: "layers"},
		Variant:      img.platform.Variant,
	}
}

// runtimeConfig is config or, when there is none, the default: a shell
// (/bin/bash if the root file system on disk has it, else /bin/sh) and
// the usual PATH. A config with neither Cmd nor Entrypoint gets the
// default shell too.
func runtimeConfig(img image, config *Config) Config {
	c := Config{Env: []string{defaultPath}}
	if config != nil {
		c = *config
	}
	if len(c.Cmd) == 0 && len(c.Entrypoint) == 0 {
		c.Cmd = []string{"/bin/sh"}
		if !img.inMemory && isFileInRoot(img.rootfs, "/bin/bash") {
			c.Cmd = []string{"/bin/bash"}
		}
	}
	return c
}

// isFileInRoot reports whether p names a regular file in the tree at
// root, resolving symbolic links as if root were "/" (so bin ->
// usr/bin and absolute targets stay inside the tree).
func isFileInRoot(root, p string) bool {
	rel, err := archive.ResolveInRoot(root, p)
	if err != nil {
		return false
	}
	fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(rel)))
	return err == nil && fi.Mode().IsRegular()
}
