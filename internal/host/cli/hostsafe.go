package cli

import (
	"archive/tar"
	"fmt"
	"sort"
	"strings"
)

// A directory output lands on the host, where any local user may reach it.
// What a build step made inside the graph must not become a privilege
// there: a block device node (brw-rw-rw- 8,0) would hand out the raw
// disk, a setuid-root file a root shell, a file capability the same, and a
// world-writable file anyone's edit. So a directory export writes neither
// device nodes, FIFOs nor sockets, clears setuid, setgid and world-write
// bits, and keeps only user.* extended attributes. Each change is recorded
// in the target's build record. Outputs whose bytes are archives or images
// (archive(), oci_image(), disk(), iso(), initramfs()) keep all of it
// inside the file, where it belongs.

// unsafeModeBits are the mode bits a directory export never sets.
const unsafeModeBits = 0o4000 | 0o2000 | 0o002

// Withheld is one entry a directory export wrote differently from the
// graph, or not at all, and why.
type Withheld struct {
	Path string `json:"path"`
	// Was describes the entry in the graph: "block device 8,0",
	// "character device 1,3", "fifo", "mode 4755", "xattr security.capability".
	Was string `json:"was"`
	// Now is what the host got: "not written" or "mode 0755".
	Now string `json:"now"`
}

// hostPolicy collects what untar withheld from the host.
type hostPolicy struct {
	withheld []Withheld
	skipped  map[string]bool // paths not written, for hard links to them
}

// special reports whether h is a node a directory export must not create.
func special(h *tar.Header) (string, bool) {
	switch h.Typeflag {
	case tar.TypeBlock:
		return fmt.Sprintf("block device %d,%d", h.Devmajor, h.Devminor), true
	case tar.TypeChar:
		return fmt.Sprintf("character device %d,%d", h.Devmajor, h.Devminor), true
	case tar.TypeFifo:
		return "fifo", true
	}
	return "", false
}

// skip records that name is not written.
func (p *hostPolicy) skip(name, was string) {
	if p.skipped == nil {
		p.skipped = map[string]bool{}
	}
	p.skipped[name] = true
	p.withheld = append(p.withheld, Withheld{Path: name, Was: was, Now: "not written"})
}

// mode returns the permission bits to set on name, recording a change.
func (p *hostPolicy) mode(name string, mode int64) int64 {
	if mode&unsafeModeBits == 0 {
		return mode
	}
	safe := mode &^ unsafeModeBits
	p.withheld = append(p.withheld, Withheld{Path: name, Was: fmt.Sprintf("mode %04o", mode&0o7777), Now: fmt.Sprintf("mode %04o", safe&0o7777)})
	return safe
}

// xattr reports whether attribute attr of name may be set, recording a
// refusal.
func (p *hostPolicy) xattr(name, attr string) bool {
	if strings.HasPrefix(attr, "user.") {
		return true
	}
	p.withheld = append(p.withheld, Withheld{Path: name, Was: "xattr " + attr, Now: "not written"})
	return false
}

// list returns the withheld entries sorted by path, then kind.
func (p *hostPolicy) list() []Withheld {
	out := append([]Withheld(nil), p.withheld...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Was < out[j].Was
	})
	return out
}

// summarize describes withheld entries in one clause, for the build
// summary: "left out 1 block device and 1 fifo; cleared setuid/setgid or
// world-write bits on 2 entries".
func summarize(ws []Withheld) string {
	counts := map[string]int{}
	for _, w := range ws {
		kind, _, _ := strings.Cut(w.Was, " ")
		switch {
		case w.Was == "fifo":
			kind = "fifo"
		case strings.HasPrefix(w.Was, "block "), strings.HasPrefix(w.Was, "character "):
			kind += " device"
		case strings.HasPrefix(w.Was, "hard link"):
			kind = "hard link to a node"
		}
		counts[kind]++
	}
	var left []string
	for _, k := range []string{"block device", "character device", "fifo", "hard link to a node"} {
		if n := counts[k]; n > 0 {
			left = append(left, plural(n, k))
		}
	}
	var parts []string
	if len(left) > 0 {
		parts = append(parts, "left out "+strings.Join(left, ", "))
	}
	if n := counts["mode"]; n > 0 {
		parts = append(parts, "cleared setuid/setgid/world-write bits on "+plural(n, "entry"))
	}
	if n := counts["xattr"]; n > 0 {
		parts = append(parts, "dropped "+plural(n, "non-user extended attribute"))
	}
	return strings.Join(parts, "; ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	switch {
	case strings.HasSuffix(what, "y"):
		return fmt.Sprintf("%d %sies", n, what[:len(what)-1])
	case strings.HasSuffix(what, "x"):
		return fmt.Sprintf("%d %ses", n, what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}
