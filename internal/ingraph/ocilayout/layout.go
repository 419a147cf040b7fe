package ocilayout

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
)

// Options controls [Write] and [WriteFiles].
type Options struct {
	// Epoch is every layer entry's mtime and the images' creation time,
	// in seconds since 1970.
	Epoch int64
	// Ref, when not empty, is the org.opencontainers.image.ref.name of
	// the image manifest (one image) or nested image index (several)
	// in index.json.
	Ref string
	// SBOM, when not nil, is an SPDX 2.3 JSON document attached to every
	// image as an artifact manifest.
	SBOM []byte
	// Config, when not nil, is every image's runtime configuration
	// instead of the default one: a shell (/bin/bash if the root file
	// system has it, else /bin/sh) and the usual PATH.
	Config *Config
}

// Write writes an OCI image layout holding one image per element of
// images into dir, which must be missing or empty. On error, dir may
// hold part of the layout but no index.json.
func Write(dir string, images []Image, opts Options) error {
	all := make([]image, len(images))
	for i, img := range images {
		all[i] = image{platform: img.Platform, rootfs: img.Rootfs}
	}
	return write(dir, all, opts)
}

// WriteFiles is [Write] for images whose root file systems are given in
// memory.
func WriteFiles(dir string, images []FilesImage, opts Options) error {
	all := make([]image, len(images))
	for i, img := range images {
		all[i] = image{platform: img.Platform, files: img.Files, inMemory: true}
	}
	return write(dir, all, opts)
}

// WriteArchive writes the layout in dir to w as one deterministic tar:
// an OCI archive, as skopeo's and podman's "oci-archive:" read it.
func WriteArchive(w io.Writer, dir string, epoch int64) error {
	return archive.WriteTar(w, dir, archive.Reproducible(epoch))
}

// write writes the layout of images into dir.
func write(dir string, images []image, opts Options) error {
	if err := check(images, opts); err != nil {
		return err
	}
	if err := prepareDir(dir); err != nil {
		return err
	}
	s, err := newBlobStore(dir)
	if err != nil {
		return err
	}
	manifests, err := writeImages(s, images, opts)
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "oci-layout"), []byte(layoutVersion)); err != nil {
		return err
	}
	data, err := json.Marshal(newIndex(manifests))
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "index.json"), data)
}

// check validates the arguments.
func check(images []image, opts Options) error {
	if len(images) == 0 {
		return errNoImages()
	}
	seen := make(map[Platform]bool)
	for _, img := range images {
		if err := img.platform.check(); err != nil {
			return err
		}
		if seen[img.platform] {
			return errDuplicatePlatform(img.platform)
		}
		seen[img.platform] = true
	}
	switch {
	case opts.Epoch < 0:
		return errNegativeEpoch(opts.Epoch)
	case opts.Ref != "" && !validRefName(opts.Ref):
		return errRefName(opts.Ref)
	case opts.SBOM != nil && !json.Valid(opts.SBOM):
		return errSBOM()
	}
	return nil
}

// prepareDir creates dir, or checks that it is an empty directory.
func prepareDir(dir string) error {
	err := mkdir(dir)
	if err == nil || !errors.Is(err, fs.ErrExist) {
		return wrapWrite(dir, err)
	}
	f, err := os.Open(dir)
	if err != nil {
		return errWrite(dir, err)
	}
	defer f.Close()
	if _, err := f.Readdirnames(1); err != io.EOF {
		return errNotEmpty(dir, err)
	}
	return nil
}

// writeImages writes every image and the SBOM artifacts and returns the
// descriptors for index.json: the image and its SBOM artifact for one
// image, else one nested index of them all.
func writeImages(s blobStore, images []image, opts Options) ([]descriptor, error) {
	manifests, err := writeManifests(s, images, opts)
	if err != nil {
		return nil, err
	}
	if opts.SBOM != nil {
		sboms, err := writeSBOMs(s, manifests, opts.SBOM)
		if err != nil {
			return nil, err
		}
		manifests = append(manifests, sboms...)
	}
	if len(images) == 1 {
		annotate(&manifests[0], opts.Ref)
		return manifests, nil
	}
	nested, err := s.putJSON(mediaTypeIndex, newIndex(manifests))
	annotate(&nested, opts.Ref)
	return []descriptor{nested}, err
}

// writeManifests writes every image and returns their manifests'
// descriptors, with platforms, in the order given.
func writeManifests(s blobStore, images []image, opts Options) ([]descriptor, error) {
	var manifests []descriptor
	for _, img := range images {
		d, err := writeImage(s, img, opts)
		if err != nil {
			return nil, err
		}
		manifests = append(manifests, d)
	}
	return manifests, nil
}

// newIndex returns an image index listing manifests.
func newIndex(manifests []descriptor) index {
	return index{Manifests: manifests, MediaType: mediaTypeIndex, SchemaVersion: 2}
}

// annotate sets the reference name of d, if there is one.
func annotate(d *descriptor, ref string) {
	if ref != "" {
		d.Annotations = map[string]string{annotationRefName: ref}
	}
}

// writeSBOMs stores the SBOM and one artifact manifest per image
// manifest, and returns the artifact manifests' descriptors.
func writeSBOMs(s blobStore, images []descriptor, sbom []byte) ([]descriptor, error) {
	empty, err := s.put(mediaTypeEmpty, []byte(emptyJSON))
	if err != nil {
		return nil, err
	}
	layer, err := s.put(mediaTypeSPDX, sbom)
	if err != nil {
		return nil, err
	}
	var out []descriptor
	for _, img := range images {
		subject := descriptor{MediaType: img.MediaType, Digest: img.Digest, Size: img.Size}
		m := manifest{
			ArtifactType: mediaTypeSPDX, Config: empty, Layers: []descriptor{layer},
			MediaType: mediaTypeManifest, SchemaVersion: 2, Subject: &subject,
		}
		d, err := s.putJSON(mediaTypeManifest, m)
		if err != nil {
			return nil, err
		}
		d.ArtifactType = mediaTypeSPDX
		out = append(out, d)
	}
	return out, nil
}

// mkdir creates a directory with mode 0755 whatever the umask, so that
// the layout's archive does not depend on it.
func mkdir(dir string) error {
	err := os.Mkdir(dir, 0o755)
	if err == nil {
		err = os.Chmod(dir, 0o755)
	}
	return err
}

// writeFile writes a small file atomically with mode 0644.
func writeFile(name string, data []byte) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return errWrite(tmp, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return errWrite(tmp, err)
	}
	return wrapWrite(name, os.Rename(tmp, name))
}
