package archive

import (
	"errors"
	"io"
	"os"
)

// Kind is the file type of an [Entry].
type Kind uint8

// The kinds of entries an archive can hold.
const (
	KindRegular Kind = iota + 1 // regular file, possibly a hard link
	KindDir                     // directory
	KindSymlink                 // symbolic link
	KindChar                    // character device
	KindBlock                   // block device
	KindFifo                    // named pipe
)

// Entry is one archive member as both encoders see it: already sorted,
// renamed, re-owned and re-timed according to [Options].
type Entry struct {
	// Path is the archive path: relative, slash-separated, clean, with no
	// trailing "/".
	Path string
	// Kind is the file type.
	Kind Kind
	// Perm holds the permission bits plus setuid, setgid and sticky
	// (at most 07777).
	Perm uint32
	// UID and GID are the recorded owner.
	UID, GID int
	// ModTime is the recorded mtime in seconds since the Unix epoch.
	ModTime int64
	// Size is the content length of a regular file and 0 otherwise.
	Size int64
	// Linkname is a symbolic link's target, verbatim.
	Linkname string
	// LinkTo, for a regular file that is not the first of its hard-link
	// group, is the Path of the group's first entry; otherwise "".
	LinkTo string
	// Ino is the archive inode number: sequential from 1 in archive order,
	// shared by the members of a hard-link group.
	Ino uint32
	// Nlink is the recorded link count: the number of group members for a
	// regular file, 2 plus the number of subdirectories for a directory,
	// and 1 otherwise.
	Nlink uint32
	// Major and Minor are the device number of a character or block
	// device.
	Major, Minor uint32
	// Xattrs are the recorded extended attributes, sorted by name; nil
	// unless [Options.Xattrs] is set.
	Xattrs []Xattr

	src  string // host path of the content; "" for synthesized entries
	data []byte // content of an in-memory file (MemFile)
}

// Source is the host file the entry was read from: what [Entry.Open]
// opens, "" for an entry not read from a file.
func (e Entry) Source() string { return e.src }

// Open opens the host file holding a regular entry's content, or reads
// an in-memory file's.
func (e Entry) Open() (io.ReadCloser, error) {
	if e.src == "" {
		return memReader(e.data), nil
	}
	f, err := os.Open(e.src)
	if err != nil {
		return nil, errWrap("open", e.src, err)
	}
	return f, nil
}

// copyContent copies exactly e.Size bytes of e's content to w and fails if
// the file is now shorter or longer than when it was listed.
func copyContent(w io.Writer, e Entry) error {
	r, err := e.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	if _, err := io.CopyN(w, r, e.Size); err != nil {
		return copyError(e.src, err)
	}
	return checkEOF(r, e.src)
}

// copyError maps an early end of file to errChanged.
func copyError(name string, err error) error {
	if errors.Is(err, io.EOF) {
		return errChanged(name)
	}
	return errWrap("copy", name, err)
}

// checkEOF fails if r has more bytes to give.
func checkEOF(r io.Reader, name string) error {
	var b [1]byte
	n, err := r.Read(b[:])
	switch {
	case n > 0:
		return errChanged(name)
	case err != nil && !errors.Is(err, io.EOF):
		return errWrap("read", name, err)
	}
	return nil
}
