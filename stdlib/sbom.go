package stdlib

import (
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/internal/attest"
	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/pkgs"
	"go.starlark.net/syntax"
)

// spdxSBOM lists the packages of one or more package sets (one per
// platform): sbom() and oci_image() write it.
func spdxSBOM(name string, ep epoch.Epoch, sets []*pkgs.Set) ([]byte, error) {
	b := &attest.Bill{}
	for _, s := range sets {
		b.Packages = append(b.Packages, s.Packages...)
	}
	return attest.SPDX(name, ep, b, nil)
}

// Bill is what the target compiled so far reads: the packages of its root
// filesystems (and of the build roots cairn adds, apart), what it builds
// from source and the git commits and http files it fetches. The CLI
// writes the target's SBOM and provenance from it (internal/attest).
func (c *Compiler) Bill() *attest.Bill {
	b := &attest.Bill{Built: c.shared.built, Sources: c.shared.sources}
	for k, s := range c.shared.sets {
		if k.n.isTool(c) {
			b.Tools = append(b.Tools, s.Packages...)
		} else {
			b.Packages = append(b.Packages, s.Packages...)
		}
	}
	return attest.Merge(b)
}

// isTool says a root filesystem is a build root cairn made (image tools,
// a kernel's or a package's build root), not one the recipe asked for.
func (n *rootfsNode) isTool(c *Compiler) bool {
	return n == c.shared.tools || n == c.shared.sourceTools || n.variant == "essential" && n.call != "rootfs"
}

// built records something the recipe builds from source, for the bill.
func (c *Compiler) recordBuilt(kind, name string, p syntax.Position, comment ...string) {
	c.shared.built = append(c.shared.built, attest.Built{Kind: kind, Name: name, At: posString(p), Comment: strings.Join(comment, "; ")})
}

// posString is a recipe line as file:line.
func posString(p syntax.Position) string { return fmt.Sprintf("%s:%d", p.Filename(), p.Line) }

// recordSource records a pinned input, for the bill.
func (c *Compiler) recordSource(uri, alg, value string) {
	c.shared.sources = append(c.shared.sources, attest.Source{URI: uri, Digest: map[string]string{alg: value}})
}
