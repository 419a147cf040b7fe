package archive

import "fmt"

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
