package kmod

import (
	"os"
	"path/filepath"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
)

// fsRoot is a directory used as the root of a file system: symlinks met
// while resolving a path below it are followed as they would be after
// chroot(2), so an absolute target or a run of ".." never leaves it.
type fsRoot string

// resolve returns the host path of the slash-separated path rel below r,
// with every symlink in it, the last component included, resolved inside
// r (archive.ResolveInRoot). Every component must exist.
func (r fsRoot) resolve(rel string) (string, error) {
	real, err := archive.ResolveInRoot(string(r), rel)
	if err != nil {
		return "", errResolve(rel, err)
	}
	return filepath.Join(string(r), filepath.FromSlash(real)), nil
}

// isDir reports whether rel resolves to a directory inside r.
func (r fsRoot) isDir(rel string) (string, bool) {
	host, err := r.resolve(rel)
	if err != nil {
		return "", false
	}
	fi, err := os.Stat(host)
	return host, err == nil && fi.IsDir()
}

// isFile reports whether rel resolves to a regular file inside r.
func (r fsRoot) isFile(rel string) (string, bool) {
	host, err := r.resolve(rel)
	if err != nil {
		return "", false
	}
	fi, err := os.Stat(host)
	return host, err == nil && fi.Mode().IsRegular()
}
