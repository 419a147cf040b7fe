package archive

import (
	"errors"
	"fmt"
	"path"
)

// The ways following a symbolic link inside a tree fails, each carried
// by a [*LinkError]; test for them with errors.Is.
var (
	// ErrLinkOutside: the link leads out of the tree through "..".
	ErrLinkOutside = errors.New("symbolic link points outside the tree")
	// ErrDanglingLink: the link, or one on its way, leads nowhere.
	ErrDanglingLink = errors.New("dangling symbolic link")
	// ErrLinkLoop: more than 40 links on the way, as the kernel's ELOOP.
	ErrLinkLoop = errors.New("too many levels of symbolic links")
	// ErrDirLoop: the link leads back to a directory that contains it.
	ErrDirLoop = errors.New("symbolic link loop")
)

// LinkError is a symbolic link of a tree that cannot be followed.
type LinkError struct {
	// Path is the link's slash path below the root.
	Path string
	// Err says why: one of the errors above, possibly wrapping the
	// error of the file system.
	Err error
}

// Error implements error: the path, then the reason.
func (e *LinkError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *LinkError) Unwrap() error { return e.Err }

// errLink reports why the link at name cannot be followed; a file system
// error means the target is missing.
func errLink(name string, err error) error {
	if !errors.Is(err, ErrLinkOutside) && !errors.Is(err, ErrLinkLoop) {
		err = fmt.Errorf("%w: %w", ErrDanglingLink, err)
	}
	return &LinkError{Path: name, Err: err}
}

// errDirLoop reports a link back to the directory at real, which
// contains it.
func errDirLoop(name, real string) error {
	return &LinkError{Path: name, Err: fmt.Errorf("%w: it leads back to %s", ErrDirLoop, path.Join("/", real))}
}

// errNegativeEpoch reports an mtime before 1970.
func errNegativeEpoch(epoch int64) error {
	return fmt.Errorf("archive: epoch %d is negative", epoch)
}

// errNegativeOwner reports a forced uid or gid below zero.
func errNegativeOwner(what string, id int) error {
	return fmt.Errorf("archive: forced %s %d is negative", what, id)
}

// errBadPrefix reports a prefix that would escape the archive root.
func errBadPrefix(prefix string) error {
	return fmt.Errorf("archive: prefix %q contains \"..\"", prefix)
}

// errFilePath reports an in-memory file's path that is not relative and
// clean, or given twice.
func errFilePath(p string) error {
	return fmt.Errorf("archive: in-memory file path %q: want a relative, clean slash path, once", p)
}

// errNotDir reports a root that is not a directory.
func errNotDir(root string) error {
	return fmt.Errorf("archive: %s is not a directory", root)
}

// errUnsupported reports a file whose type cannot be archived.
func errUnsupported(name string, mode fmt.Stringer) error {
	return fmt.Errorf("archive: %s: unsupported file type %s", name, mode)
}

// errNoStat reports a platform whose file information carries no inode,
// owner or device data.
func errNoStat(name string) error {
	return fmt.Errorf("archive: %s: no raw stat data on this platform", name)
}

// errChanged reports a file whose size changed while it was archived.
func errChanged(name string) error {
	return fmt.Errorf("archive: %s changed size while being archived", name)
}

// errTooLarge reports a value that does not fit a cpio header field.
func errTooLarge(name, field string, v uint64) error {
	return fmt.Errorf("archive: %s: %s %d does not fit in a cpio newc header", name, field, v)
}

// errWrap adds the operation and path to an I/O error.
func errWrap(op, name string, err error) error {
	return fmt.Errorf("archive: %s %s: %w", op, name, err)
}
