package cli

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
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
	if err := unpackAll(tar.NewReader(r), root, &pol, ex.sums); err != nil {
		return nil, err
	}
	ex.withheld = pol.list()
	return ex, nil
}

// unpackAll writes every entry of tr under root, and each file's sum to sums.
func unpackAll(tr *tar.Reader, root *os.Root, pol *hostPolicy, sums map[string]string) error {
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
		if err := extract(root, name, h, tr, pol, sums); err != nil {
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

func extract(root *os.Root, name string, h *tar.Header, r io.Reader, pol *hostPolicy, sums map[string]string) error {
	if was, ok := special(h); ok {
		pol.skip(name, was)
		return nil
	}
	if h.Typeflag == tar.TypeLink && pol.skipped[path.Clean(strings.TrimPrefix(h.Linkname, "/"))] {
		pol.skip(name, "hard link to "+h.Linkname)
		return nil
	}
	if h.Typeflag != tar.TypeDir {
		if err := root.RemoveAll(name); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		delete(sums, name)
	}
	var err error
	switch h.Typeflag {
	case tar.TypeDir:
		err = root.Mkdir(name, 0o700)
		if errors.Is(err, os.ErrExist) {
			err = nil
		}
	case tar.TypeReg:
		sums[name], err = writeFile(root, name, r)
	case tar.TypeSymlink:
		err = root.Symlink(h.Linkname, name)
	case tar.TypeLink:
		target := path.Clean(strings.TrimPrefix(h.Linkname, "/"))
		if err = root.Link(target, name); err == nil && sums[target] != "" {
			sums[name] = sums[target]
		}
	default:
		return nil // pax/gnu metadata entries are consumed by archive/tar
	}
	if err != nil || h.Typeflag == tar.TypeLink {
		return err
	}
	return setMeta(root, name, h, pol)
}

// writeFile writes r to a new file, leaving zero blocks as holes, and
// returns its SHA-256.
func writeFile(root *os.Root, name string, r io.Reader) (string, error) {
	f, err := root.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	s := sparse.NewStream(f, 0)
	_, err = io.Copy(s, io.TeeReader(r, h))
	if err == nil {
		err = s.Flush()
	}
	if err == nil {
		err = f.Truncate(s.Pos()) // a trailing hole
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return hex.EncodeToString(h.Sum(nil)), err
}

// setMeta applies owner (as root), mode, xattrs and times, as the policy
// allows; chown comes first because it clears setuid bits.
func setMeta(root *os.Root, name string, h *tar.Header, pol *hostPolicy) error {
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
	mode := pol.mode(name, h.Mode)
	if err := root.Chmod(name, os.FileMode(mode&0o777)|specialBits(mode)); err != nil {
		return err
	}
	if h.Typeflag == tar.TypeReg || h.Typeflag == tar.TypeDir {
		setXattrs(root, name, h, pol)
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

// setXattrs restores the SCHILY.xattr.* records the policy allows, best
// effort (the output filesystem may not support them).
func setXattrs(root *os.Root, name string, h *tar.Header, pol *hostPolicy) {
	var f *os.File
	for _, k := range sortedKeys(h.PAXRecords) {
		attr, ok := strings.CutPrefix(k, "SCHILY.xattr.")
		if !ok || !pol.xattr(name, attr) {
			continue
		}
		v := h.PAXRecords[k]
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

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
