package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImageIsReproducible builds the image twice from the same binaries
// and wants the same archive, byte for byte, with the entrypoint BuildKit
// runs.
func TestImageIsReproducible(t *testing.T) {
	bins := []platformBinary{{os: "linux", arch: "amd64", data: []byte("amd64 frontend")}, {os: "linux", arch: "arm64", data: []byte("arm64 frontend")}}
	var tars [2][]byte
	for i := range tars {
		dir, tarFile := filepath.Join(t.TempDir(), "layout"), filepath.Join(t.TempDir(), "image.tar")
		if err := writeLayout(dir, bins, 315532800); err != nil {
			t.Fatal(err)
		}
		if err := writeArchive(tarFile, dir, 315532800); err != nil {
			t.Fatal(err)
		}
		var err error
		if tars[i], err = os.ReadFile(tarFile); err != nil {
			t.Fatal(err)
		}
		checkEntrypoint(t, dir)
	}
	if string(tars[0]) != string(tars[1]) {
		t.Error("two builds of the image differ")
	}
}

// document is the part of the layout's JSON documents the test reads.
type document struct {
	Manifests []struct {
		Digest      string
		Annotations map[string]string
	}
	Config struct {
		Digest     string
		Entrypoint []string
		Labels     map[string]string
	}
	Architecture string
}

// checkEntrypoint follows index.json to the first platform's config.
func checkEntrypoint(t *testing.T, dir string) {
	t.Helper()
	top := readDocument(t, dir, "index.json")
	if len(top.Manifests) != 1 || top.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != refName {
		t.Fatalf("index.json: %+v, want one image index named %s", top, refName)
	}
	idx := readDocument(t, dir, blobPath(top.Manifests[0].Digest))
	if len(idx.Manifests) != 2 {
		t.Fatalf("image index: %d manifests, want 2", len(idx.Manifests))
	}
	m := readDocument(t, dir, blobPath(idx.Manifests[0].Digest))
	c := readDocument(t, dir, blobPath(m.Config.Digest))
	if len(c.Config.Entrypoint) != 1 || c.Config.Entrypoint[0] != entrypoint || c.Architecture != "amd64" ||
		c.Config.Labels["moby.buildkit.frontend.network.none"] != "true" {
		t.Errorf("config %+v: want entrypoint %s and no network for amd64", c, entrypoint)
	}
}

// readDocument decodes a JSON file of the layout.
func readDocument(t *testing.T, dir, name string) document {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	var d document
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

// blobPath is the path of a blob in the layout.
func blobPath(digest string) string {
	return filepath.Join("blobs", "sha256", strings.TrimPrefix(digest, "sha256:"))
}
