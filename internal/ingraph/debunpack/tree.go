package debunpack

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// tree writes below one output directory without ever following a
// symbolic link found there, and remembers directory mtimes to set once
// nothing more is written into them.
type tree struct {
	root  string
	epoch time.Time
	// dirTimes maps each directory written or created to its final mtime.
	dirTimes map[string]time.Time
	// dirs caches relative paths known to be real directories.
	dirs map[string]bool
}

// newTree creates root with mode 0755 if it is missing and returns a
// tree writing below it.
func newTree(root string, epoch int64) (*tree, error) {
	err := os.Mkdir(root, 0o755)
	if err == nil {
		err = os.Chmod(root, 0o755) // whatever the umask
	}
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, errOutDir(root, err)
	}
	fi, err := os.Stat(root)
	if err != nil || !fi.IsDir() {
		return nil, errOutDir(root, err)
	}
	return &tree{
		root: root, epoch: time.Unix(epoch, 0),
		dirTimes: make(map[string]time.Time), dirs: map[string]bool{"": true},
	}, nil
}

// host returns the host path of the relative path rel.
func (t *tree) host(rel string) string {
	return filepath.Join(t.root, filepath.FromSlash(rel))
}

// mkParents makes sure every ancestor of rel is a real directory,
// creating missing ones with mode 0755, owner 0:0 and the epoch as mtime.
func (t *tree) mkParents(rel string) error {
	dir := path.Dir(rel)
	if dir == "." || t.dirs[dir] {
		return nil
	}
	if err := t.mkParents(dir); err != nil {
		return err
	}
	fi, err := os.Lstat(t.host(dir))
	switch {
	case err == nil && fi.IsDir():
		t.dirs[dir] = true
		return nil
	case err == nil:
		return errParentNotDir(dir, fi.Mode())
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	return t.implicitDir(dir)
}

// implicitDir creates a directory that data.tar does not list.
func (t *tree) implicitDir(rel string) error {
	h := t.host(rel)
	if err := os.Mkdir(h, 0o755); err != nil {
		return err
	}
	t.dirs[rel] = true
	t.dirTimes[rel] = t.epoch
	return setMeta(h, meta{mode: 0o755, mtime: t.epoch}, kindDir)
}

// clear prepares rel for a new entry: it removes what is there unless
// both it and the new entry are directories, and reports whether a
// directory was kept.
func (t *tree) clear(rel string, dir bool) (bool, error) {
	h := t.host(rel)
	fi, err := os.Lstat(h)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case dir && fi.IsDir():
		return true, nil
	}
	delete(t.dirs, rel)
	delete(t.dirTimes, rel)
	if err := os.Remove(h); err != nil {
		return false, errReplace(err)
	}
	return false, nil
}

// finish sets the mtime of every directory written or created, and of
// the root, once all writing is done.
func (t *tree) finish() error {
	for rel, mtime := range t.dirTimes {
		if err := setTimes(t.host(rel), mtime); err != nil {
			return err
		}
	}
	return setTimes(t.root, t.epoch)
}

// cleanPath turns an archive path into a clean relative path, "" for the
// top directory, refusing paths that leave it.
func cleanPath(name string) (string, error) {
	p := path.Clean("/" + name)
	if p == "/" {
		return "", nil
	}
	p = p[1:]
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "", errEscapes(name)
		}
	}
	return p, nil
}

// mergedDirs are the top-level directories that merged /usr turns into
// symbolic links into usr/.
var mergedDirs = map[string]bool{
	"bin": true, "sbin": true, "lib": true, "lib32": true,
	"lib64": true, "libx32": true, "libo32": true,
}

// mergeUsr rewrites a clean relative path for merged /usr. It reports
// false for the top-level entries themselves, which are dropped.
func mergeUsr(rel string) (string, bool) {
	first, rest, _ := strings.Cut(rel, "/")
	if !mergedDirs[first] {
		return rel, true
	}
	if rest == "" {
		return "", false
	}
	return "usr/" + rel, true
}

// listPath is the path dpkg records in the .list file for an archive
// path: trailing "/" and "/." trimmed, leading "/" and "./" skipped, one
// "/" added.
func listPath(name string) string {
	for len(name) >= 2 {
		last := name[len(name)-1]
		if last != '/' && (last != '.' || name[len(name)-2] != '/') {
			break
		}
		name = name[:len(name)-1]
	}
	for len(name) > 0 && (name[0] == '/' || strings.HasPrefix(name, "./")) {
		name = name[1:]
	}
	return "/" + name
}
