package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/cairn-build/cairn/internal/epoch"
)

// Media types of the OCI image spec.
const (
	mediaIndex    = "application/vnd.oci.image.index.v1+json"
	mediaManifest = "application/vnd.oci.image.manifest.v1+json"
	mediaConfig   = "application/vnd.oci.image.config.v1+json"
	mediaLayer    = "application/vnd.oci.image.layer.v1.tar+gzip"
)

// entrypoint is where the binary sits: outside /run, which BuildKit runs
// when an image has no entrypoint.
const entrypoint = "/bin/cairn-frontend"

// refName tags the image inside the layout (oci:DIR:latest).
const refName = "latest"

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Platform    *platform         `json:"platform,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

type platform struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
}

type index struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Manifests     []descriptor `json:"manifests"`
}

type manifest struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Config        descriptor   `json:"config"`
	Layers        []descriptor `json:"layers"`
}

type config struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Created      string `json:"created"`
	Config       struct {
		Entrypoint []string          `json:"Entrypoint"`
		Labels     map[string]string `json:"Labels"`
	} `json:"config"`
	RootFS struct {
		Type    string   `json:"type"`
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
	History []history `json:"history"`
}

type history struct {
	Created   string `json:"created"`
	CreatedBy string `json:"created_by"`
}

// image is the whole layout in memory: blobs by digest and the top index.
type image struct {
	blobs map[string][]byte
	top   descriptor
}

func buildImage(bins []platformBinary, ep epoch.Epoch) (*image, error) {
	img := &image{blobs: map[string][]byte{}}
	idx := index{SchemaVersion: 2, MediaType: mediaIndex}
	for _, b := range bins {
		d, err := img.addPlatform(b, ep)
		if err != nil {
			return nil, err
		}
		idx.Manifests = append(idx.Manifests, d)
	}
	top, err := img.putJSON(mediaIndex, idx)
	top.Annotations = map[string]string{"org.opencontainers.image.ref.name": refName}
	img.top = top
	return img, err
}

// addPlatform stores one platform's layer, config and manifest.
func (img *image) addPlatform(b platformBinary, ep epoch.Epoch) (descriptor, error) {
	layer, diffID, err := layerOf(b.data, ep)
	if err != nil {
		return descriptor{}, err
	}
	ld := img.put(mediaLayer, layer)
	created := ep.Time().Format(time.RFC3339)
	var c config
	c.Architecture, c.OS, c.Created = b.arch, b.os, created
	c.Config.Entrypoint = []string{entrypoint}
	c.Config.Labels = map[string]string{"moby.buildkit.frontend.network.none": "true"}
	c.RootFS.Type, c.RootFS.DiffIDs = "layers", []string{diffID}
	c.History = []history{{Created: created, CreatedBy: "cairn: make frontend-image"}}
	cd, err := img.putJSON(mediaConfig, c)
	if err != nil {
		return descriptor{}, err
	}
	md, err := img.putJSON(mediaManifest, manifest{SchemaVersion: 2, MediaType: mediaManifest, Config: cd, Layers: []descriptor{ld}})
	md.Platform = &platform{Architecture: b.arch, OS: b.os}
	return md, err
}

// layerOf is the gzipped tar holding /bin/cairn-frontend, and its diff ID.
func layerOf(bin []byte, ep epoch.Epoch) ([]byte, string, error) {
	var raw bytes.Buffer
	tw := tar.NewWriter(&raw)
	mtime := ep.Time()
	hdrs := []*tar.Header{
		{Typeflag: tar.TypeDir, Name: "bin/", Mode: 0o755, ModTime: mtime, Format: tar.FormatUSTAR},
		{Typeflag: tar.TypeReg, Name: entrypoint[1:], Mode: 0o755, Size: int64(len(bin)), ModTime: mtime, Format: tar.FormatUSTAR},
	}
	for _, h := range hdrs {
		if err := tw.WriteHeader(h); err != nil {
			return nil, "", fmt.Errorf("writing the layer: %w", err)
		}
	}
	if _, err := tw.Write(bin); err != nil {
		return nil, "", fmt.Errorf("writing the layer: %w", err)
	}
	if err := tw.Close(); err != nil {
		return nil, "", fmt.Errorf("writing the layer: %w", err)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // no name, no time
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return nil, "", err
	}
	if err := zw.Close(); err != nil {
		return nil, "", err
	}
	return gz.Bytes(), fmt.Sprintf("sha256:%x", sha256.Sum256(raw.Bytes())), nil
}

func (img *image) put(mediaType string, data []byte) descriptor {
	d := fmt.Sprintf("sha256:%x", sha256.Sum256(data))
	img.blobs[d] = data
	return descriptor{MediaType: mediaType, Digest: d, Size: int64(len(data))}
}

func (img *image) putJSON(mediaType string, v any) (descriptor, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return descriptor{}, err
	}
	return img.put(mediaType, data), nil
}

// files is the layout as relative paths and contents, sorted.
func (img *image) files() ([]string, map[string][]byte, error) {
	idx, err := json.Marshal(index{SchemaVersion: 2, MediaType: mediaIndex, Manifests: []descriptor{img.top}})
	if err != nil {
		return nil, nil, err
	}
	out := map[string][]byte{"oci-layout": []byte(`{"imageLayoutVersion":"1.0.0"}`), "index.json": idx}
	for d, data := range img.blobs {
		out["blobs/sha256/"+d[len("sha256:"):]] = data
	}
	names := make([]string, 0, len(out))
	for n := range out {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, out, nil
}

// writeLayout replaces dir with the layout.
func (img *image) writeLayout(dir string) error {
	names, files, err := img.files()
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[n], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeArchive writes the layout as one tar, directories first.
func (img *image) writeArchive(file string, ep epoch.Epoch) error {
	names, files, err := img.files()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := ep.Time()
	for _, d := range []string{"blobs/", "blobs/sha256/"} {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d, Mode: 0o755, ModTime: mtime, Format: tar.FormatUSTAR}); err != nil {
			return err
		}
	}
	for _, n := range names {
		h := &tar.Header{Typeflag: tar.TypeReg, Name: n, Mode: 0o644, Size: int64(len(files[n])), ModTime: mtime, Format: tar.FormatUSTAR}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(files[n]); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return os.WriteFile(file, buf.Bytes(), 0o644)
}
