package sparse

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"golang.org/x/sys/unix"
)

// PackedSuffix ends the name of a packed file: NAME.cairn-sparse stands
// for NAME.
const PackedSuffix = ".cairn-sparse"

// RunPack packs, in place, every file under r.Dir with at least
// r.MinHoles bytes of holes: NAME becomes NAME.cairn-sparse with NAME's
// owner, mode and times, and the directory keeps its times, so that
// whoever unpacks gets back the tree it would have got unpacked.
func RunPack(r request.Pack) error {
	return filepath.WalkDir(r.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		if strings.HasSuffix(p, PackedSuffix) {
			rel, _ := filepath.Rel(r.Dir, p)
			return fmt.Errorf("the output holds %s: names ending in %s are cairn's own (images travel to the host under them); rename the file", rel, PackedSuffix)
		}
		return packFile(p, r.MinHoles)
	})
}

// packFile packs p if it is worth it.
func packFile(p string, minHoles int64) error {
	var st unix.Stat_t
	if err := unix.Lstat(p, &st); err != nil {
		return &os.PathError{Op: "stat", Path: p, Err: err}
	}
	if st.Size < minHoles || st.Nlink != 1 || hasXattrs(p) {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	ranges := Ranges(f, 0, st.Size)
	if st.Size-dataBytes(ranges) < minHoles {
		return nil
	}
	dir := filepath.Dir(p)
	var dst unix.Stat_t
	if err := unix.Stat(dir, &dst); err != nil {
		return &os.PathError{Op: "stat", Path: dir, Err: err}
	}
	out, err := os.OpenFile(p+PackedSuffix, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	err = Pack(out, f, st.Size, ranges)
	if err == nil {
		err = out.Chown(int(st.Uid), int(st.Gid))
	}
	if err == nil {
		err = out.Chmod(fs.FileMode(st.Mode & 0o7777))
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = setTimes(p+PackedSuffix, st)
	}
	if err == nil {
		err = os.Remove(p)
	}
	if err == nil {
		err = setTimes(dir, dst)
	}
	if err != nil {
		return fmt.Errorf("packing %s: %w", p, err)
	}
	return nil
}

// dataBytes is how many bytes ranges cover.
func dataBytes(ranges []Range) int64 {
	var n int64
	for _, r := range ranges {
		n += r.End - r.Start
	}
	return n
}

// setTimes gives p the access and modification times of st.
func setTimes(p string, st unix.Stat_t) error {
	ts := []unix.Timespec{st.Atim, st.Mtim}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, p, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &os.PathError{Op: "utimes", Path: p, Err: err}
	}
	return nil
}

// hasXattrs reports whether p has extended attributes (a file
// capability, say), which a packed file would not carry.
func hasXattrs(p string) bool {
	n, err := unix.Llistxattr(p, nil)
	return n > 0 || (err != nil && !errors.Is(err, unix.ENOTSUP))
}
