package archive

import (
	"path"
	"strings"
)

// Options controls how a tree is recorded. The zero value records the
// Unix epoch as every mtime, keeps host owners and uses no prefix; most
// callers want [Reproducible] instead.
type Options struct {
	// Epoch is the mtime, in seconds since the Unix epoch, of every entry.
	// It must not be negative.
	Epoch int64
	// UID and GID, when not nil, replace every entry's owner; nil keeps
	// the host file's owner.
	UID, GID *int
	// Prefix, when not empty, is a directory path inside the archive under
	// which the tree is placed. Leading and trailing slashes are ignored;
	// ".." components are rejected.
	Prefix string
	// Xattrs, when true, records each entry's extended attributes (those
	// the package documentation lists) in [Entry.Xattrs], which
	// [WriteTar] writes as PAX records SCHILY.xattr.NAME. [WriteCpio]
	// ignores them: newc has no place for them.
	Xattrs bool
	// Root, when true, lists the root directory itself, with Path "",
	// first: for callers that read the entries themselves and record the
	// root's mode and owner (ISO 9660). The encoders cannot write it.
	Root bool
	// Check, when not nil, is called as [Visit] calls its function, for
	// the root and for every file below it, sockets included, before the
	// file is listed; an error stops [Walk] and is returned as it is.
	// Callers whose format holds less than an archive refuse here what
	// it cannot hold, in their own words.
	Check VisitFunc
}

// Reproducible returns the options cairn normally uses: the given mtime and
// every entry owned by uid 0 and gid 0.
func Reproducible(epoch int64) Options {
	root := 0
	return Options{Epoch: epoch, UID: &root, GID: &root}
}

// normalize validates o and returns it with a cleaned Prefix.
func (o Options) normalize() (Options, error) {
	if o.Epoch < 0 {
		return o, errNegativeEpoch(o.Epoch)
	}
	if err := checkOwner("uid", o.UID); err != nil {
		return o, err
	}
	if err := checkOwner("gid", o.GID); err != nil {
		return o, err
	}
	prefix, err := cleanPrefix(o.Prefix)
	o.Prefix = prefix
	return o, err
}

// checkOwner rejects a negative forced owner id.
func checkOwner(what string, id *int) error {
	if id != nil && *id < 0 {
		return errNegativeOwner(what, *id)
	}
	return nil
}

// cleanPrefix turns a user-supplied prefix into a relative, clean archive
// path, or "" for none.
func cleanPrefix(p string) (string, error) {
	p = strings.Trim(p, "/")
	if p == "" {
		return "", nil
	}
	for _, part := range strings.Split(p, "/") {
		if part == ".." {
			return "", errBadPrefix(p)
		}
	}
	if p = path.Clean(p); p == "." {
		return "", nil
	}
	return p, nil
}
