package ocilayout

import (
	"io"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
)

// Platform is an image's os, architecture and optional variant.
type Platform struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Variant      string `json:"variant,omitempty"`
}

// String returns "os/arch" or "os/arch/variant".
func (p Platform) String() string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// Image is one platform's root file system.
type Image struct {
	Platform Platform
	// Rootfs is the host directory holding the root file system.
	Rootfs string
}

// FilesImage is one platform's image whose root file system is a few
// files given in memory, owned by root, in directories of mode 0755.
type FilesImage struct {
	Platform Platform
	Files    []archive.MemFile
}

// image is what the layout holds for one platform, whichever way its
// root file system was given.
type image struct {
	platform Platform
	rootfs   string            // the host directory, unless inMemory
	files    []archive.MemFile // the files, if inMemory
	inMemory bool
}

// writeTar writes the layer's uncompressed tar: a root file system on
// disk keeps its owners, modes and file capabilities; files in memory
// belong to root.
func (img image) writeTar(w io.Writer, epoch int64) error {
	if img.inMemory {
		return archive.WriteTarFiles(w, img.files, archive.Reproducible(epoch))
	}
	return archive.WriteTar(w, img.rootfs, archive.Options{Epoch: epoch, Xattrs: true})
}

// source names the root file system in messages.
func (img image) source() string {
	if img.inMemory {
		return "the in-memory files of " + img.platform.String()
	}
	return img.rootfs
}

// validPlatformPart reports whether s is a non-empty run of lower-case
// letters, digits and "_".
func validPlatformPart(s string) bool {
	return s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == ""
}

// check reports a platform whose os, architecture or variant is not a
// run of lower-case letters, digits and "_" (the variant may be empty).
func (p Platform) check() error {
	if !validPlatformPart(p.OS) || !validPlatformPart(p.Architecture) || p.Variant != "" && !validPlatformPart(p.Variant) {
		return errPlatform(p.String())
	}
	return nil
}

// validRefName reports whether s is a reference name as image-layout.md
// defines it: components separated by "/", each alphanumeric runs joined
// by one of "-._:@+" or by "--".
func validRefName(s string) bool {
	for _, comp := range strings.Split(s, "/") {
		if !validRefComponent(comp) {
			return false
		}
	}
	return true
}

// validRefComponent checks one "/"-separated component of a reference
// name: alphanumeric runs joined by single separators or by "--".
func validRefComponent(s string) bool {
	afterAlnum := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
			afterAlnum = true
			continue
		case !afterAlnum || strings.IndexByte("-._:@+", c) < 0:
			return false
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			i++
		}
		afterAlnum = false
	}
	return afterAlnum
}
