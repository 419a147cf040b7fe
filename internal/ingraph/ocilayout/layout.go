package ocilayout

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Options controls [Write].
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
}

// Write writes an OCI image layout holding one image per element of
// images into dir, which must be missing or empty. On error, dir may
// hold part of the layout but no index.json.
func Write(dir string, images []Image, opts Options) error {
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
func check(images []Image, opts Options) error {
	if len(images) == 0 {
		return errNoImages()
	}
	seen := make(map[Platform]bool)
	for _, img := range images {
		if err := img.Platform.check(); err != nil {
			return err
		}
		if seen[img.Platform] {
			return errDuplicatePlatform(img.Platform)
		}
		seen[img.Platform] = true
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
	err := os.Mkdir(dir, 0o755)
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
func writeImages(s blobStore, images []Image, opts Options) ([]descriptor, error) {
	manifests, err := writeManifests(s, images, opts.Epoch)
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
func writeManifests(s blobStore, images []Image, epoch int64) ([]descriptor, error) {
	var manifests []descriptor
	for _, img := range images {
		d, err := writeImage(s, img, epoch)
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
