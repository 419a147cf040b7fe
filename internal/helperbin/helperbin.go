// Package helperbin carries the in-graph helper binaries (cmd/cairn-helper,
// built static for linux/amd64 and linux/arm64 by `make helper`) inside the
// cairn binary, so a build needs nothing from the host but the engine. Which
// one runs is chosen per engine: the one native to its worker.
package helperbin

import (
	"embed"
	"io/fs"
)

//go:embed all:bin
var bins embed.FS

// For returns the helper for a Linux architecture ("amd64", "arm64"), or nil
// when this cairn was built without it (plain `go build`, `go test`).
func For(arch string) []byte {
	b, err := fs.ReadFile(bins, "bin/cairn-helper-linux-"+arch)
	if err != nil {
		return nil
	}
	return b
}
