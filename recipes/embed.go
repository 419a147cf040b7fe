// Package recipes ships cairn's bundled Starlark library inside the binary;
// recipes load it as @cairn//path.star. It holds Starlark only.
package recipes

import "embed"

// FS is the bundled library, rooted at this directory.
//
//go:embed *.star distros/*.star boards/*.star
var FS embed.FS
