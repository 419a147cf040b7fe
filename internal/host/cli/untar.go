package cli

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cairn-build/cairn/internal/ingraph/sparse"
	"golang.org/x/sys/unix"
)

// The CLI receives outputs as BuildKit's tar export and unpacks them itself:
// BuildKit's directory export gives every file to the client's own user,
// but a root filesystem's owners (root:shadow on /etc/shadow) are part of
// the system. As root, untar keeps owners, modes, times and links; as
// another user it keeps what that user can. What would be a privilege on
// the host (device nodes, setuid bits, file capabilities) it withholds, as
// hostsafe.go explains.

// exported is what untar wrote: what it withheld from the host, and the
// SHA-256 of every regular file by its slash path, taken as it was
// written, so the output's digest needs no second read.
type exported struct {
	withheld []Withheld
	sums     map[string]string
}

// untar extracts a tar stream into dir, which must exist. Entries may not
// leave dir (os.Root enforces it, symlinks included). Files are written
// sparse: a block of zeros becomes a hole, so a 4 GiB disk image with
// 300 MiB in it costs 300 MiB of the host's disk.
func untar(r io.Reader, dir string) (*exported, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	var pol hostPolicy
	ex := &exported{sums: map[string]string{}}
	u := &unpacker{root: root, pol: &pol, sums: ex.sums}
	defer u.forget()
	if err := u.all(tar.NewReader(r)); err != nil {
		return nil, err
	}
	ex.withheld = pol.list()
	return ex, nil
}

// unpacker writes entries under root. Each entry's parent directory is
// opened through root (which refuses to leave it) and kept open while
// entries go into it, so an entry costs a few *at system calls on its base
// name, which never holds a slash and is never followed if it is a
// symlink, instead of a walk of its whole path per operation.
type unpacker struct {
	root *os.Root
	pol  *hostPolicy
	sums map[string]string
	// dir is the open parent directory of the last entry, at dirName.
	dir     *os.File
	dirName string
}

// parent returns a descriptor of name's parent directory and name's base.
func (u *unpacker) parent(name string) (int, string, error) {
	d := path.Dir(name)
	if u.dir == nil || u.dirName != d {
		u.forget()
		f, err := u.root.Open(d)
		if err != nil {
			return -1, "", err
		}
		u.dir, u.dirName = f, d
	}
	return int(u.dir.Fd()), path.Base(name), nil
}

// forget closes the cached parent.
func (u *unpacker) forget() {
	if u.dir != nil {
		u.dir.Close()
		u.dir, u.dirName = nil, ""
	}
}

// all writes every entry of tr.
func (u *unpacker) all(tr *tar.Reader) error {
	var dirs []*tar.Header
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading the exported tar: %w", err)
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "/"))
		if name == "." || name == ".." || strings.HasPrefix(name, "../") {
			continue
		}
		packed := h.Typeflag == tar.TypeReg && strings.HasSuffix(name, sparse.PackedSuffix)
		if packed {
			name = strings.TrimSuffix(name, sparse.PackedSuffix)
		}
		if err := u.extract(name, h, tr, packed); err != nil {
			return fmt.Errorf("unpacking %s: %w", name, err)
		}
		if h.Typeflag == tar.TypeDir {
			dirs = append(dirs, h)
		}
	}
	// Directory times last: writing their entries changed them.
	u.forget()
	for i := len(dirs) - 1; i >= 0; i-- {
		name := path.Clean(strings.TrimPrefix(dirs[i].Name, "/"))
		u.root.Chtimes(name, dirs[i].ModTime, dirs[i].ModTime)
	}
	return nil
}

// extract writes one entry; packed says a regular file's content is in
// the packed sparse form (see stdlib.CompileOptions.PackSparse).
func (u *unpacker) extract(name string, h *tar.Header, r io.Reader, packed bool) error {
	if was, ok := special(h); ok {
		u.pol.skip(name, was)
		return nil
	}
	if h.Typeflag == tar.TypeLink && u.pol.skipped[path.Clean(strings.TrimPrefix(h.Linkname, "/"))] {
		u.pol.skip(name, "hard link to "+h.Linkname)
		return nil
	}
	switch h.Typeflag {
	case tar.TypeDir, tar.TypeReg, tar.TypeSymlink, tar.TypeLink:
	default:
		return nil // pax/gnu metadata entries are consumed by archive/tar
	}
	dir, base, err := u.parent(name)
	if err != nil {
		return err
	}
	if h.Typeflag != tar.TypeDir {
		if err := u.remove(dir, base, name); err != nil {
			return err
		}
		delete(u.sums, name)
	}
	switch h.Typeflag {
	case tar.TypeDir:
		if err = unix.Mkdirat(dir, base, 0o700); err == unix.EEXIST {
			err = nil
		}
	case tar.TypeReg:
		return u.writeFile(dir, base, name, h, r, packed)
	case tar.TypeSymlink:
		err = unix.Symlinkat(h.Linkname, dir, base)
	case tar.TypeLink:
		target := path.Clean(strings.TrimPrefix(h.Linkname, "/"))
		if err = u.root.Link(target, name); err == nil && u.sums[target] != "" {
			u.sums[name] = u.sums[target]
		}
		return err
	}
	if err != nil {
		return err
	}
	return u.setMeta(dir, base, name, h)
}

// remove clears the way for a non-directory entry: a file is unlinked in
// place; anything bigger (a directory the tar replaces) goes through root.
// Either way the open parent stays valid: only its child goes.
func (u *unpacker) remove(dir int, base, name string) error {
	err := unix.Unlinkat(dir, base, 0)
	switch err {
	case nil, unix.ENOENT:
		return nil
	case unix.EISDIR:
		return u.root.RemoveAll(name)
	}
	return &os.PathError{Op: "unlink", Path: name, Err: err}
}

// streams holds the sparse streams of writeFile, whose 1 MiB buffers
// cost more to allocate and clear than most files take to write.
var streams = sync.Pool{New: func() any { return sparse.NewStream(nil, 0) }}

// writeFile writes r, or the file r packs, to a new file, leaving zero
// blocks as holes, records its SHA-256 and sets its metadata through the
// open descriptor.
func (u *unpacker) writeFile(dir int, base, name string, h *tar.Header, r io.Reader, packed bool) error {
	fd, err := unix.Openat(dir, base, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return &os.PathError{Op: "create", Path: name, Err: err}
	}
	f := os.NewFile(uintptr(fd), name)
	sum := sha256.New()
	s := streams.Get().(*sparse.Stream)
	defer streams.Put(s)
	if packed {
		_, err = sparse.Unpack(r, f, s, sum)
	} else {
		s.Reset(f, 0)
		_, err = io.Copy(s, io.TeeReader(r, sum))
		if err == nil {
			err = s.Flush()
		}
		if err == nil {
			err = f.Truncate(s.Pos()) // a trailing hole
		}
	}
	if err == nil {
		err = u.fileMeta(f, dir, base, name, h)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	u.sums[name] = hex.EncodeToString(sum.Sum(nil))
	return err
}

// fileMeta applies owner (as root), mode and xattrs to an open regular
// file, and its times by its name in dir (it was just created there, not
// through a link); chown comes first because it clears setuid bits.
func (u *unpacker) fileMeta(f *os.File, dir int, base, name string, h *tar.Header) error {
	fd := int(f.Fd())
	if os.Geteuid() == 0 {
		if err := unix.Fchown(fd, h.Uid, h.Gid); err != nil {
			return &os.PathError{Op: "chown", Path: name, Err: err}
		}
	}
	if err := unix.Fchmod(fd, u.modeBits(name, h)); err != nil {
		return &os.PathError{Op: "chmod", Path: name, Err: err}
	}
	u.setXattrs(fd, name, h)
	if err := unix.UtimesNanoAt(dir, base, timespecs(h), unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &os.PathError{Op: "utimes", Path: name, Err: err}
	}
	return nil
}

// setMeta applies owner (as root), mode, xattrs and times to a directory
// or symlink base in dir, without following it; chown comes first because
// it clears setuid bits.
func (u *unpacker) setMeta(dir int, base, name string, h *tar.Header) error {
	if os.Geteuid() == 0 {
		if err := unix.Fchownat(dir, base, h.Uid, h.Gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return &os.PathError{Op: "chown", Path: name, Err: err}
		}
	}
	if h.Typeflag == tar.TypeDir {
		if err := unix.Fchmodat(dir, base, u.modeBits(name, h), 0); err != nil {
			return &os.PathError{Op: "chmod", Path: name, Err: err}
		}
		if hasXattrs(h) {
			fd, err := unix.Openat(dir, base, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			if err == nil {
				u.setXattrs(fd, name, h)
				unix.Close(fd)
			}
		}
	} // Linux keeps no mode on symlinks
	if err := unix.UtimesNanoAt(dir, base, timespecs(h), unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &os.PathError{Op: "utimes", Path: name, Err: err}
	}
	return nil
}

// modeBits is the entry's mode as the policy allows it, in chmod's bits.
func (u *unpacker) modeBits(name string, h *tar.Header) uint32 {
	return uint32(u.pol.mode(name, h.Mode) & 0o7777)
}

// timespecs is the entry's mtime for both times; no time is the epoch.
func timespecs(h *tar.Header) []unix.Timespec {
	mt := h.ModTime
	if mt.IsZero() {
		mt = time.Unix(0, 0)
	}
	t := unix.NsecToTimespec(mt.UnixNano())
	return []unix.Timespec{t, t}
}

// setXattrs restores the SCHILY.xattr.* records the policy allows onto
// the open descriptor fd, best effort (the output filesystem may not
// support them).
func (u *unpacker) setXattrs(fd int, name string, h *tar.Header) {
	for _, k := range sortedKeys(h.PAXRecords) {
		attr, ok := strings.CutPrefix(k, "SCHILY.xattr.")
		if !ok || !u.pol.xattr(name, attr) {
			continue
		}
		unix.Fsetxattr(fd, attr, []byte(h.PAXRecords[k]), 0)
	}
}

func hasXattrs(h *tar.Header) bool {
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "SCHILY.xattr.") {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
