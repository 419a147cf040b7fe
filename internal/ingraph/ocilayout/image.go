package ocilayout

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
)

// gzipLevel is the fixed compression level of layers.
const gzipLevel = gzip.DefaultCompression

// defaultPath is the PATH of the image's environment.
const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// createdBy is the history entry's author.
const createdBy = "cairn"

// writeLayer stores the gzipped deterministic tar of rootfs, keeping
// owners, modes and extended attributes (file capabilities), and returns
// its descriptor and diff ID.
func writeLayer(s blobStore, rootfs string, epoch int64) (descriptor, string, error) {
	w, err := s.create()
	if err != nil {
		return descriptor{}, "", err
	}
	gz, _ := gzip.NewWriterLevel(w, gzipLevel)
	diff := sha256.New()
	err = archive.WriteTar(hashingWriter(gz, diff), rootfs, archive.Options{Epoch: epoch, Xattrs: true})
	if err == nil {
		err = gz.Close()
	}
	if err != nil {
		w.abort()
		return descriptor{}, "", errLayer(rootfs, err)
	}
	d, err := w.commit(mediaTypeLayer)
	return d, "sha256:" + hex.EncodeToString(diff.Sum(nil)), err
}

// writeImage stores one image's layer, configuration and manifest and
// returns the manifest's descriptor, with the platform set.
func writeImage(s blobStore, img Image, epoch int64) (descriptor, error) {
	layer, diffID, err := writeLayer(s, img.Rootfs, epoch)
	if err != nil {
		return descriptor{}, err
	}
	config, err := s.putJSON(mediaTypeConfig, newConfig(img, diffID, epoch))
	if err != nil {
		return descriptor{}, err
	}
	m := manifest{Config: config, Layers: []descriptor{layer}, MediaType: mediaTypeManifest, SchemaVersion: 2}
	d, err := s.putJSON(mediaTypeManifest, m)
	platform := img.Platform
	d.Platform = &platform
	return d, err
}

// newConfig returns the configuration of an image whose one layer has
// the given diff ID.
func newConfig(img Image, diffID string, epoch int64) imageConfig {
	created := time.Unix(epoch, 0).UTC().Format(time.RFC3339)
	return imageConfig{
		Architecture: img.Platform.Architecture,
		Config:       execConfig{Cmd: defaultCmd(img.Rootfs), Env: []string{defaultPath}},
		Created:      created,
		History:      []history{{Created: created, CreatedBy: createdBy}},
		OS:           img.Platform.OS,
		RootFS:       rootFS{DiffIDs: []string{diffID}, Type: "layers"},
		Variant:      img.Platform.Variant,
	}
}

// defaultCmd is /bin/bash if the root file system has it, else /bin/sh.
func defaultCmd(rootfs string) []string {
	if isFileInRoot(rootfs, "/bin/bash") {
		return []string{"/bin/bash"}
	}
	return []string{"/bin/sh"}
}

// maxSymlinks bounds symbolic-link resolution, as the kernel does.
const maxSymlinks = 40

// isFileInRoot reports whether p names a regular file in the tree at
// root, resolving symbolic links as if root were "/" (so bin ->
// usr/bin and absolute targets stay inside the tree).
func isFileInRoot(root, p string) bool {
	rel, todo := "", strings.Split(p, "/")
	var fi fs.FileInfo
	for hops := 0; len(todo) > 0; {
		part := todo[0]
		todo = todo[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			rel = path.Dir("/" + rel)[1:]
			continue
		}
		next := path.Join(rel, part)
		var err error
		if fi, err = os.Lstat(filepath.Join(root, next)); err != nil {
			return false
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			rel = next
			continue
		}
		target, err := os.Readlink(filepath.Join(root, next))
		if hops++; err != nil || hops > maxSymlinks {
			return false
		}
		if strings.HasPrefix(target, "/") {
			rel = ""
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return fi != nil && fi.Mode().IsRegular()
}
