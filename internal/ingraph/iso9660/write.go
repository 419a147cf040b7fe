package iso9660

import (
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path"
	"strings"
)

// Options control an image or volume set.
type Options struct {
	// VolumeID is the volume identifier (the label), at most 32
	// printable ASCII characters. Required.
	VolumeID string
	// VolumeSetID is the Volume Set Identifier, at most 128 printable
	// ASCII characters; empty derives one from the content (doc.go).
	VolumeSetID string
	// Epoch is every recorded time, in seconds since 1970.
	Epoch int64
	// BIOSImage is the slash path, inside the source tree, of a
	// no-emulation El Torito boot image (isolinux.bin); empty for none.
	BIOSImage string
	// EFIImage is the host path of a FAT image for the El Torito EFI
	// entry; empty for none.
	EFIImage string
	// MaxVolumeSize caps each image's size in bytes; 0 is no limit.
	// Content that does not fit is written as a volume set.
	MaxVolumeSize int64
	// First lists slash paths (files or directory prefixes) inside the
	// source tree that must be on volume 1.
	First []string
}

// Image is one written image file.
type Image struct {
	Path     string // the .iso file
	Sequence int    // volume sequence number, from 1
	VolumeID string
	SHA256   string // hex
}

// set is the state of one Write.
type set struct {
	opts         Options
	st           stamp
	root         *node
	maxIno       uint32
	bios, efi    *node
	efiHost      string
	efiSize      int64
	first        []string
	plans        []*volPlan
	vols         []*volume
	manifestSize int64
	manifestIno  uint32
	setID        string
	running      map[*node]hash.Hash
}

// Write writes the tree at src as outDir/base.iso, or as the volume set
// outDir/base-1.iso ... base-N.iso when MaxVolumeSize requires it, plus
// outDir/base.sha256 listing every image in sha256sum format. Every
// output is written under a temporary name and renamed into place.
func Write(src, outDir, base string, opts Options) ([]Image, error) {
	s, err := newSet(src, base, opts)
	if err != nil {
		return nil, err
	}
	if err := s.plan(); err != nil {
		return nil, err
	}
	if err := s.buildAll(); err != nil {
		return nil, err
	}
	return s.writeAll(outDir, base)
}

// newSet checks the options and reads the source tree.
func newSet(src, base string, opts Options) (*set, error) {
	if err := opts.check(base); err != nil {
		return nil, err
	}
	st, err := newStamp(opts.Epoch)
	if err != nil {
		return nil, err
	}
	root, err := scan(src)
	if err != nil {
		return nil, err
	}
	s := &set{opts: opts, st: st, root: root, running: map[*node]hash.Hash{}}
	walkNodes(root, func(n *node) { s.maxIno = max(s.maxIno, n.ino) })
	if err := s.resolveBoot(); err != nil {
		return nil, err
	}
	return s, s.resolveFirst()
}

// check validates the options.
func (o Options) check(base string) error {
	switch {
	case o.VolumeID == "":
		return fmt.Errorf("a volume ID is required (volume_id), e.g. the distribution's disc label")
	case len(o.VolumeID) > 32 || !printable(o.VolumeID):
		return fmt.Errorf("volume ID %q: want at most 32 printable ASCII characters", o.VolumeID)
	case len(o.VolumeSetID) > 128 || !printable(o.VolumeSetID):
		return fmt.Errorf("volume set ID %q: want at most 128 printable ASCII characters", o.VolumeSetID)
	case o.MaxVolumeSize < 0:
		return fmt.Errorf("max volume size %d is negative; use 0 for no limit", o.MaxVolumeSize)
	case base == "" || strings.ContainsRune(base, '/') || base == "." || base == "..":
		return fmt.Errorf("image name %q: want a plain file name without directories", base)
	}
	return nil
}

// printable reports whether s is printable ASCII.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			return false
		}
	}
	return true
}

// treePath cleans a slash path given relative to the source tree; the
// root is "".
func treePath(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	return p
}

// resolveBoot finds the BIOS image in the tree and the EFI image in the
// tree (by device and inode) or on the host.
func (s *set) resolveBoot() error {
	if s.opts.BIOSImage != "" {
		p := treePath(s.opts.BIOSImage)
		s.bios = s.root.find(p)
		if s.bios == nil || s.bios.kind != kindFile {
			return fmt.Errorf("BIOS boot image %q: no regular file at /%s in the source tree; bios_image takes a path inside the source tree such as isolinux/isolinux.bin", s.opts.BIOSImage, p)
		}
	}
	if s.opts.EFIImage == "" {
		return nil
	}
	fi, err := os.Stat(s.opts.EFIImage)
	if err != nil {
		return fmt.Errorf("EFI boot image: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("EFI boot image %s is not a regular file; efi_image takes a FAT image file", s.opts.EFIImage)
	}
	walkNodes(s.root, func(n *node) {
		if s.efi == nil && n.kind == kindFile && n.size == fi.Size() && sameFile(n.host, fi) {
			s.efi = n
		}
	})
	if s.efi == nil {
		s.efiHost, s.efiSize = s.opts.EFIImage, fi.Size()
	}
	return nil
}

// sameFile reports whether the host file at host is fi's file.
func sameFile(host string, fi fs.FileInfo) bool {
	hfi, err := os.Lstat(host)
	return err == nil && os.SameFile(hfi, fi)
}

// resolveFirst checks the First paths exist.
func (s *set) resolveFirst() error {
	for _, f := range s.opts.First {
		p := treePath(f)
		if s.root.find(p) == nil {
			return fmt.Errorf("first %q: nothing at /%s in the source tree", f, p)
		}
		s.first = append(s.first, p)
	}
	return nil
}
