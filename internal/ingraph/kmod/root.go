package kmod

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// maxLinks bounds the symlinks followed while resolving one path, like
// the kernel's limit of 40.
const maxLinks = 40

// fsRoot is a directory used as the root of a file system: symlinks met
// while resolving a path below it are followed as they would be after
// chroot(2), so an absolute target or a run of ".." never leaves it.
type fsRoot string

// resolve returns the host path of the slash-separated path rel below r,
// with every symlink in it, the last component included, resolved inside
// r. Every component must exist.
func (r fsRoot) resolve(rel string) (string, error) {
	todo := strings.Split(rel, "/")
	var done []string
	for links := 0; len(todo) > 0; {
		c := todo[0]
		todo = todo[1:]
		if c == "" || c == "." {
			continue
		}
		if c == ".." {
			done = done[:max(len(done)-1, 0)]
			continue
		}
		host := r.host(append(done, c))
		target, isLink, err := readLink(host)
		if err != nil {
			return "", err
		}
		if !isLink {
			done = append(done, c)
			continue
		}
		if links++; links > maxLinks {
			return "", errLinkLoop(rel)
		}
		if path.IsAbs(target) {
			done = done[:0]
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return r.host(done), nil
}

// host joins resolved components to r.
func (r fsRoot) host(parts []string) string {
	return filepath.Join(append([]string{string(r)}, parts...)...)
}

// readLink returns a symlink's target, or isLink false for anything else.
func readLink(host string) (target string, isLink bool, err error) {
	fi, err := os.Lstat(host)
	if err != nil {
		return "", false, err
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return "", false, nil
	}
	target, err = os.Readlink(host)
	return target, err == nil, err
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
