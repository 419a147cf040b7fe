package ocilayout

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

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
	// Provenance, when not nil, is a SLSA v1 provenance predicate: each
	// image gets an artifact manifest holding an in-toto Statement v1
	// with it, whose subject is the image's manifest.
	Provenance []byte
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
	case opts.Provenance != nil && !json.Valid(opts.Provenance):
		return errProvenance()
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

// writeImages writes every image and the SBOM and provenance artifacts
// and returns the descriptors for index.json: the image alone when
// nothing is attached to it, else one nested index of them all.
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
	if opts.Provenance != nil {
		provs, err := writeProvenance(s, manifests[:len(images)], opts)
		if err != nil {
			return nil, err
		}
		manifests = append(manifests, provs...)
	}
	if len(manifests) == 1 {
		// One image and nothing attached: index.json names it.
		annotate(&manifests[0], opts.Ref)
		return manifests, nil
	}
	// Otherwise one nested index holds the images and what is attached
	// to them, so index.json lists one entry: `skopeo inspect oci:DIR`
	// needs no tag, and tools pick the image by platform (the artifacts
	// carry none), as with BuildKit's attestations.
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
	layer, err := s.put(mediaTypeSPDX, sbom)
	if err != nil {
		return nil, err
	}
	return writeArtifacts(s, images, mediaTypeSPDX, func(descriptor) (descriptor, error) { return layer, nil })
}

// writeProvenance stores, for each image manifest, an in-toto statement
// of the provenance predicate whose subject is that manifest, in an
// artifact manifest, and returns their descriptors.
func writeProvenance(s blobStore, images []descriptor, opts Options) ([]descriptor, error) {
	name := opts.Ref
	if name == "" {
		name = "image"
	}
	return writeArtifacts(s, images, mediaTypeInToto, func(img descriptor) (descriptor, error) {
		st := statement{Type: "https://in-toto.io/Statement/v1", PredicateType: "https://slsa.dev/provenance/v1",
			Predicate: json.RawMessage(opts.Provenance)}
		sub := name
		if img.Platform != nil {
			sub += "@" + img.Platform.String()
		}
		st.Subject = []statementSubject{{Name: sub, Digest: map[string]string{"sha256": strings.TrimPrefix(img.Digest, "sha256:")}}}
		return s.putJSON(mediaTypeInToto, st)
	})
}

// writeArtifacts writes an artifact manifest of type artifactType for
// each image, its one layer what layer gives for it, and returns their
// descriptors.
func writeArtifacts(s blobStore, images []descriptor, artifactType string, layer func(descriptor) (descriptor, error)) ([]descriptor, error) {
	empty, err := s.put(mediaTypeEmpty, []byte(emptyJSON))
	if err != nil {
		return nil, err
	}
	var out []descriptor
	for _, img := range images {
		l, err := layer(img)
		if err != nil {
			return nil, err
		}
		subject := descriptor{MediaType: img.MediaType, Digest: img.Digest, Size: img.Size}
		m := manifest{
			ArtifactType: artifactType, Config: empty, Layers: []descriptor{l},
			MediaType: mediaTypeManifest, SchemaVersion: 2, Subject: &subject,
		}
		d, err := s.putJSON(mediaTypeManifest, m)
		if err != nil {
			return nil, err
		}
		d.ArtifactType = artifactType
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
