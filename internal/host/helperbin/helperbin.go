// Package helperbin carries the in-graph helper binaries (cmd/cairn-helper,
// built static for linux/amd64 and linux/arm64 by `make helper`) inside the
// cairn binary, so a build needs nothing from the host but the engine. Which
// one runs is chosen per engine: the one native to its worker.
package helperbin

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	digest "github.com/opencontainers/go-digest"
)

//go:embed all:bin
var bins embed.FS

// Arches are the architectures a helper is built for.
var Arches = []string{"amd64", "arm64"}

// For returns the helper for a Linux architecture ("amd64", "arm64"), or nil
// when this cairn was built without it (plain `go build`, `go test`).
func For(arch string) []byte {
	b, err := fs.ReadFile(bins, "bin/"+name(arch))
	if err != nil {
		return nil
	}
	return b
}

func name(arch string) string { return "cairn-helper-linux-" + arch }

// digests caches Digest: the binaries are megabytes and never change.
var digests sync.Map

// Digest returns the digest of For(arch), computed once per process.
func Digest(arch string) digest.Digest {
	if d, ok := digests.Load(arch); ok {
		return d.(digest.Digest)
	}
	d := digest.FromBytes(For(arch))
	digests.Store(arch, d)
	return d
}

// Dir writes the embedded helpers under root, in a directory named by their
// digests so it is written once and never half-written, and returns it. A
// build session serves this directory to the engine.
func Dir(root string) (string, error) {
	var id string
	for _, a := range Arches {
		id += Digest(a).Encoded()[:8]
	}
	dir := filepath.Join(root, "helpers", id)
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-")
	if err != nil {
		if err = os.MkdirAll(filepath.Dir(dir), 0o755); err == nil {
			tmp, err = os.MkdirTemp(filepath.Dir(dir), ".tmp-")
		}
	}
	if err != nil {
		return "", fmt.Errorf("helper directory: %w", err)
	}
	return dir, fill(tmp, dir)
}

func fill(tmp, dir string) error {
	defer os.RemoveAll(tmp)
	for _, a := range Arches {
		if b := For(a); b != nil {
			if err := os.WriteFile(filepath.Join(tmp, name(a)), b, 0o755); err != nil {
				return fmt.Errorf("helper directory: %w", err)
			}
		}
	}
	if err := os.Rename(tmp, dir); err != nil && !fileExists(dir) {
		return fmt.Errorf("helper directory: %w", err)
	}
	return nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
