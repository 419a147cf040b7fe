package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestImageIsReproducible builds the image twice from the same binaries
// and wants the same layout, byte for byte, with the entrypoint BuildKit
// runs.
func TestImageIsReproducible(t *testing.T) {
	bins := []platformBinary{{os: "linux", arch: "amd64", data: []byte("amd64 frontend")}, {os: "linux", arch: "arm64", data: []byte("arm64 frontend")}}
	var tars [2][]byte
	for i := range tars {
		img, err := buildImage(bins, 315532800)
		if err != nil {
			t.Fatal(err)
		}
		dir, tarFile := t.TempDir(), filepath.Join(t.TempDir(), "image.tar")
		if err := img.writeLayout(dir); err != nil {
			t.Fatal(err)
		}
		if err := img.writeArchive(tarFile, 315532800); err != nil {
			t.Fatal(err)
		}
		if tars[i], err = os.ReadFile(tarFile); err != nil {
			t.Fatal(err)
		}
		checkEntrypoint(t, img)
	}
	if string(tars[0]) != string(tars[1]) {
		t.Error("two builds of the image differ")
	}
}

func checkEntrypoint(t *testing.T, img *image) {
	t.Helper()
	var idx index
	if err := json.Unmarshal(img.blobs[img.top.Digest], &idx); err != nil || len(idx.Manifests) != 2 {
		t.Fatalf("top index: %v, %d manifests", err, len(idx.Manifests))
	}
	var m manifest
	if err := json.Unmarshal(img.blobs[idx.Manifests[0].Digest], &m); err != nil {
		t.Fatal(err)
	}
	var c config
	if err := json.Unmarshal(img.blobs[m.Config.Digest], &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Config.Entrypoint) != 1 || c.Config.Entrypoint[0] != entrypoint || c.Architecture != "amd64" {
		t.Errorf("config %+v: want entrypoint %s for amd64", c, entrypoint)
	}
}
