package archive

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
)

// Links says what [Visit] does with a symbolic link below the root.
type Links uint8

const (
	// KeepLinks reports a symbolic link as the link itself.
	KeepLinks Links = iota
	// FollowLinks reports a symbolic link as what it points to, resolved
	// inside the root as [ResolveInRoot] does, and a link to a directory
	// as that directory, its contents listed below the link's path. A
	// link that leads out of the root through "..", a dangling link, a
	// chain of more than 40 links and a link back to a directory being
	// visited fail with a [*LinkError]. This is for formats without
	// links (FAT), which hold a copy of the target.
	FollowLinks
)

// VisitFunc is called by [Visit] for the root and for every file below
// it. name is the slash path below the root ("" for the root itself),
// host the path to read the file at, and fi its lstat(2) information: for
// a link Visit follows, its target's. An error stops the visit and is
// returned as it is.
type VisitFunc func(name, host string, fi fs.FileInfo) error

// Visit calls fn for the root, which may be a symbolic link to a
// directory, and then for every file below it, depth first, each
// directory's names in byte order: the order of [ComparePaths]. It is
// the one walk of a source tree that every format writer shares; each
// applies its own rules (what it refuses, what it records) in fn, and
// [Walk] builds archive entries on it.
func Visit(root string, links Links, fn VisitFunc) error {
	fi, err := os.Stat(root)
	if err != nil {
		return errWrap("stat", root, err)
	}
	if !fi.IsDir() {
		return errNotDir(root)
	}
	if err := fn("", root, fi); err != nil {
		return err
	}
	v := &visitor{root: root, links: links, fn: fn}
	return v.dir("", ".", []string{"."})
}

// visitor is the state of one Visit.
type visitor struct {
	root  string
	links Links
	fn    VisitFunc
}

// dir visits the contents of the directory named name, which is at the
// clean path real below the root (they differ below a followed link);
// stack holds the real paths of the directories being visited, to catch
// links back to one of them.
func (v *visitor) dir(name, real string, stack []string) error {
	host := v.host(real)
	des, err := os.ReadDir(host)
	if err != nil {
		return errWrap("read directory", host, err)
	}
	for _, d := range des {
		if err := v.child(path.Join(name, d.Name()), path.Join(real, d.Name()), d, stack); err != nil {
			return err
		}
	}
	return nil
}

// child visits one directory entry and, if it is a directory, its
// contents.
func (v *visitor) child(name, real string, d fs.DirEntry, stack []string) error {
	fi, err := d.Info()
	if err != nil {
		return errWrap("stat", v.host(real), err)
	}
	if v.links == FollowLinks && fi.Mode()&fs.ModeSymlink != 0 {
		if real, fi, err = v.follow(name, real, stack); err != nil {
			return err
		}
	}
	if err := v.fn(name, v.host(real), fi); err != nil {
		return err
	}
	if fi.IsDir() {
		return v.dir(name, real, append(stack, real))
	}
	return nil
}

// follow resolves the link named name at real and returns where it
// leads and what is there.
func (v *visitor) follow(name, real string, stack []string) (string, fs.FileInfo, error) {
	to, err := resolveFrom(v.root, path.Dir(real), []string{path.Base(real)}, true)
	if err != nil {
		return "", nil, errLink(name, err)
	}
	fi, err := os.Lstat(v.host(to))
	if err != nil {
		return "", nil, errLink(name, err)
	}
	if fi.IsDir() && slices.Contains(stack, to) {
		return "", nil, errDirLoop(name, to)
	}
	return to, fi, nil
}

// host is the host path of the clean path real below the root.
func (v *visitor) host(real string) string {
	return filepath.Join(v.root, filepath.FromSlash(real))
}
