package stdlib

import (
	"io/fs"

	"github.com/cairn-build/cairn/lang"
)

// errProjectPath explains why fn could not read project path p as a file,
// given the error reading it returned: a symbolic link leaving the project
// (see lang.EscapingLink) is named as such, and so is a directory; anything
// else reads as missing.
func errProjectPath(fsys fs.FS, fn, p string, err error) error {
	if link, target, ok := lang.EscapingLink(fsys, p, err); ok {
		return errOutsideProject(fn, p, link, target)
	}
	if info, err := fs.Stat(fsys, p); err == nil && info.IsDir() {
		return errIsDir(fn, p)
	}
	return errNotFound(fn, p, nearestPath(fsys, p))
}
