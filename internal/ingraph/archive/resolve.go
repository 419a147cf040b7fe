package archive

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// maxLinks bounds the symbolic links followed while resolving one path,
// as the kernel's ELOOP limit does.
const maxLinks = 40

// ResolveInRoot returns the path below root that the slash path rel
// leads to, clean and slash-separated ("." for root itself), following
// every symbolic link on the way, the last component included, as it
// would be followed after chroot(2) into root: an absolute target starts
// again at root, and ".." never climbs above it. Every component must
// exist; more than 40 links fail with [ErrLinkLoop].
func ResolveInRoot(root, rel string) (string, error) {
	return resolveFrom(root, ".", strings.Split(rel, "/"), false)
}

// resolveFrom resolves the components todo below done, a clean path
// below root whose components are known not to be links. When confined,
// ".." above root fails with [ErrLinkOutside] rather than staying at
// root.
func resolveFrom(root, done string, todo []string, confined bool) (string, error) {
	for links := 0; len(todo) > 0; {
		c := todo[0]
		todo = todo[1:]
		switch {
		case c == "" || c == ".":
			continue
		case c == ".." && done == "." && confined:
			return "", ErrLinkOutside
		case c == "..":
			done = path.Dir(done)
			continue
		}
		next := path.Join(done, c)
		target, isLink, err := readLink(filepath.Join(root, filepath.FromSlash(next)))
		switch {
		case err != nil:
			return "", err
		case !isLink:
			done = next
			continue
		}
		if links++; links > maxLinks {
			return "", ErrLinkLoop
		}
		if strings.HasPrefix(target, "/") {
			done = "."
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return done, nil
}

// readLink returns the target of the symbolic link host, or isLink false
// for any other existing file.
func readLink(host string) (target string, isLink bool, err error) {
	fi, err := os.Lstat(host)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return "", false, err
	}
	target, err = os.Readlink(host)
	return target, err == nil, err
}
