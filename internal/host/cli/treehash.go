package cli

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// treeDigest is a content digest of a directory tree: every entry's path,
// type and permission bits, and each file's SHA-256 or link target, in
// lexical order. Owners and times are left out: the engine fixes those, and
// the digest must not change when a checkout is copied.
func treeDigest(root string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil // the output directory itself is cairn's, not the artifact's
		}
		return hashEntry(h, p, filepath.ToSlash(rel), d)
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("sha256:%x", h.Sum(nil)), nil
}

func hashEntry(h io.Writer, p, rel string, d fs.DirEntry) error {
	info, err := d.Info()
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "%s\x00%o\x00", rel, info.Mode())
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		fmt.Fprintf(h, "%s\x00", target)
		return err
	case info.Mode().IsRegular():
		return hashFile(h, p)
	}
	return nil
}

func hashFile(h io.Writer, p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	fh := sha256.New()
	if _, err := io.Copy(fh, f); err != nil {
		return err
	}
	fmt.Fprintf(h, "%x\x00", fh.Sum(nil))
	return nil
}
