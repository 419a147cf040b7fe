package attest

import (
	"sort"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// Bill is what one target's graph reads for one platform, as the compiler
// saw it.
type Bill struct {
	// Packages are those of the root filesystems the recipe asked for:
	// what the output is made of.
	Packages []pkgs.Locked `json:"packages,omitempty"`
	// Tools are the packages of the build roots cairn adds itself (image
	// tools, kernel and package build roots): used to build the output,
	// not part of it.
	Tools []pkgs.Locked `json:"tools,omitempty"`
	// Built are the packages, kernels and modules the graph builds.
	Built []Built `json:"built,omitempty"`
	// Sources are the pinned git commits and http files the graph reads.
	Sources []Source `json:"sources,omitempty"`
}

// Built is something the recipe builds from source.
type Built struct {
	Kind string `json:"kind"` // "deb", "kernel", "kernel-module"
	Name string `json:"name"`
	// At is the recipe line that builds it (file:line).
	At string `json:"at"`
	// Comment says from what, e.g. a kernel's base config and fragments.
	Comment string `json:"comment,omitempty"`
}

// Source is a pinned input: a git commit or an http file.
type Source struct {
	URI string `json:"uri"`
	// Digest maps an algorithm ("sha256", "gitCommit") to its hex value.
	Digest map[string]string `json:"digest"`
}

// Merge is the union of bills (one per platform), each list sorted and
// without repeats, so the documents do not depend on compile order.
func Merge(bills ...*Bill) *Bill {
	out := &Bill{}
	for _, b := range bills {
		if b == nil {
			continue
		}
		out.Packages = append(out.Packages, b.Packages...)
		out.Tools = append(out.Tools, b.Tools...)
		out.Built = append(out.Built, b.Built...)
		out.Sources = append(out.Sources, b.Sources...)
	}
	out.Packages, out.Tools = uniquePackages(out.Packages), uniquePackages(out.Tools)
	out.Built = unique(out.Built, func(b Built) string { return b.Kind + "\x00" + b.Name + "\x00" + b.At + "\x00" + b.Comment })
	out.Sources = unique(out.Sources, func(s Source) string { return s.URI + "\x00" + digestKey(s.Digest) })
	return out
}

func uniquePackages(l []pkgs.Locked) []pkgs.Locked {
	return unique(l, func(p pkgs.Locked) string { return p.Name + "\x00" + p.Arch + "\x00" + p.Version + "\x00" + p.SHA256 })
}

// unique sorts l by key and drops repeated keys.
func unique[T any](l []T, key func(T) string) []T {
	sort.SliceStable(l, func(i, j int) bool { return key(l[i]) < key(l[j]) })
	var out []T
	for i, x := range l {
		if i == 0 || key(l[i-1]) != key(x) {
			out = append(out, x)
		}
	}
	return out
}

func digestKey(d map[string]string) string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := ""
	for _, k := range keys {
		s += k + ":" + d[k] + ";"
	}
	return s
}

// File is one regular file of an output, by its path inside the output.
type File struct {
	Path   string
	SHA256 string
}
