package cli

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// The CLI receives outputs as BuildKit's tar export and unpacks them itself:
// BuildKit's directory export gives every file to the client's own user,
// but a root filesystem's owners (root:shadow on /etc/shadow, setgid
// binaries) are part of the system. As root, untar keeps owners, modes,
// times, links, device nodes and extended attributes; as another user it
// keeps what that user can.

// untar extracts a tar stream into dir, which must exist. Entries may not
// leave dir (os.Root enforces it, symlinks included).
func untar(r io.Reader, dir string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	tr := tar.NewReader(r)
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
		if err := extract(root, name, h, tr); err != nil {
			return fmt.Errorf("unpacking %s: %w", name, err)
		}
		if h.Typeflag == tar.TypeDir {
			dirs = append(dirs, h)
		}
	}
	// Directory times last: writing their entries changed them.
	for i := len(dirs) - 1; i >= 0; i-- {
		name := path.Clean(strings.TrimPrefix(dirs[i].Name, "/"))
		root.Chtimes(name, dirs[i].ModTime, dirs[i].ModTime)
	}
	return nil
}

func extract(root *os.Root, name string, h *tar.Header, r io.Reader) error {
	if h.Typeflag != tar.TypeDir {
		if err := root.RemoveAll(name); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	var err error
	switch h.Typeflag {
	case tar.TypeDir:
		err = root.Mkdir(name, 0o700)
		if errors.Is(err, os.ErrExist) {
			err = nil
		}
	case tar.TypeReg:
		err = writeFile(root, name, r)
	case tar.TypeSymlink:
		err = root.Symlink(h.Linkname, name)
	case tar.TypeLink:
		err = root.Link(path.Clean(strings.TrimPrefix(h.Linkname, "/")), name)
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		err = mknod(root, name, h)
	default:
		return nil // pax/gnu metadata entries are consumed by archive/tar
	}
	if err != nil || h.Typeflag == tar.TypeLink {
		return err
	}
	return setMeta(root, name, h)
}

func writeFile(root *os.Root, name string, r io.Reader) error {
	f, err := root.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// mknod creates device nodes and fifos through the parent directory's file
// descriptor, so the node stays inside the root.
func mknod(root *os.Root, name string, h *tar.Header) error {
	parent, err := root.Open(path.Dir(name))
	if err != nil {
		return err
	}
	defer parent.Close()
	mode := uint32(h.Mode & 0o7777)
	switch h.Typeflag {
	case tar.TypeChar:
		mode |= unix.S_IFCHR
	case tar.TypeBlock:
		mode |= unix.S_IFBLK
	default:
		mode |= unix.S_IFIFO
	}
	dev := unix.Mkdev(uint32(h.Devmajor), uint32(h.Devminor))
	return unix.Mknodat(int(parent.Fd()), path.Base(name), mode, int(dev))
}

// setMeta applies owner (as root), mode, xattrs and times; chown comes
// first because it clears setuid bits.
func setMeta(root *os.Root, name string, h *tar.Header) error {
	if os.Geteuid() == 0 {
		if err := root.Lchown(name, h.Uid, h.Gid); err != nil {
			return err
		}
	}
	mt := h.ModTime
	if mt.IsZero() {
		mt = time.Unix(0, 0)
	}
	if h.Typeflag == tar.TypeSymlink {
		return lutimes(root, name, mt) // Linux keeps no mode on symlinks
	}
	if err := root.Chmod(name, os.FileMode(h.Mode&0o777)|specialBits(h.Mode)); err != nil {
		return err
	}
	if h.Typeflag == tar.TypeReg || h.Typeflag == tar.TypeDir {
		setXattrs(root, name, h)
	}
	return root.Chtimes(name, mt, mt)
}

// lutimes sets a symlink's own times, through its directory's descriptor.
func lutimes(root *os.Root, name string, t time.Time) error {
	parent, err := root.Open(path.Dir(name))
	if err != nil {
		return err
	}
	defer parent.Close()
	ts := []unix.Timespec{unix.NsecToTimespec(t.UnixNano()), unix.NsecToTimespec(t.UnixNano())}
	return unix.UtimesNanoAt(int(parent.Fd()), path.Base(name), ts, unix.AT_SYMLINK_NOFOLLOW)
}

func specialBits(mode int64) os.FileMode {
	var m os.FileMode
	if mode&0o4000 != 0 {
		m |= os.ModeSetuid
	}
	if mode&0o2000 != 0 {
		m |= os.ModeSetgid
	}
	if mode&0o1000 != 0 {
		m |= os.ModeSticky
	}
	return m
}

// setXattrs restores SCHILY.xattr.* records, best effort (the output
// filesystem may not support them).
func setXattrs(root *os.Root, name string, h *tar.Header) {
	var f *os.File
	for k, v := range h.PAXRecords {
		attr, ok := strings.CutPrefix(k, "SCHILY.xattr.")
		if !ok {
			continue
		}
		if f == nil {
			var err error
			if f, err = root.Open(name); err != nil {
				return
			}
			defer f.Close()
		}
		unix.Fsetxattr(int(f.Fd()), attr, []byte(v), 0)
	}
}
