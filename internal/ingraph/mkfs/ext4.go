package mkfs

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// mke2fsConf is cairn's mke2fs.conf: Debian 12's (e2fsprogs 1.47.0)
// defaults, pinned so that a different /etc/mke2fs.conf cannot change
// the image. The size classes differ only in bytes per inode, since
// cairn always asks for 4 KiB blocks.
const mke2fsConf = `[defaults]
	base_features = sparse_super,large_file,filetype,resize_inode,dir_index,ext_attr
	default_mntopts = acl,user_xattr
	enable_periodic_fsck = 0
	blocksize = 4096
	inode_size = 256
	inode_ratio = 16384

[fs_types]
	ext4 = {
		features = has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,dir_nlink,extra_isize
	}
	floppy = {
		inode_ratio = 8192
	}
	small = {
		inode_ratio = 4096
	}
	big = {
		inode_ratio = 32768
	}
	huge = {
		inode_ratio = 65536
	}
`

// errNoSpace marks an mke2fs run that ran out of blocks or inodes.
var errNoSpace = errors.New("file system full")

// ext4Build is one ext4 image being made.
type ext4Build struct {
	job     request.Mkfs
	info    *treeInfo
	ids     volumeIDs
	mke2fs  string
	debugfs string // "" when no file has extended attributes
	conf    string // path of mke2fs.conf
}

// makeExt4 runs mke2fs -d (e2fsprogs 1.47.0 in cairn's tools root), which
// copies the tree in sorted order (scandir with alphasort, under
// LC_ALL=C), keeping owners, modes, hard links, symbolic links and
// device nodes. Three things mke2fs would take from the clock or from
// the source's history are made reproducible: extended attributes are
// set afterwards by debugfs in sorted order (mke2fs copies them in
// listxattr order, which is creation order); every timestamp, including
// the superblocks' (mke2fs ignores E2FSPROGS_FAKE_TIME=0) and the
// inodes' ctime and atime (copied from the source), is set to the epoch
// by stampExt4; UUID and directory hash seed are derived from content.
//
// mke2fs 1.47.0 links each new entry by scanning its directory, so a
// directory of n entries costs O(n²): 5,000 entries in one directory
// take about 2 s, 20,000 about 40 s (1.47.1 appends instead).
//
// The automatic size is an estimate of data (grown by a tenth) plus
// metadata, in whole MiB and at least 8 MiB; when mke2fs finds it too
// small, it grows by a sixteenth and retries, at most 8 times.
func makeExt4(j request.Mkfs) (Result, error) {
	b, err := newExt4Build(j)
	if err != nil {
		return Result{}, err
	}
	defer os.Remove(b.conf)
	size := j.Size
	if size == 0 {
		size, err = b.auto()
	} else if err = b.build(j.Out, size, true); errors.Is(err, errNoSpace) {
		return Result{}, tooSmallError(b.need(size), "ext4", size)
	}
	if err != nil {
		return Result{}, err
	}
	return Result{Type: "ext4", Size: size, UUID: b.ids.uuid, Label: j.Label}, nil
}

// newExt4Build checks the job, finds the tools, walks the tree and writes
// the configuration.
func newExt4Build(j request.Mkfs) (*ext4Build, error) {
	if len(j.Label) > 16 {
		return nil, fmt.Errorf("ext4 label %q is longer than 16 bytes", j.Label)
	}
	b := &ext4Build{job: j}
	var err error
	if b.mke2fs, err = lookTool("mke2fs", "e2fsprogs"); err != nil {
		return nil, err
	}
	if b.info, err = walkTree(j.Src); err != nil {
		return nil, err
	}
	if len(b.info.xattrs) > 0 {
		if b.debugfs, err = lookTool("debugfs", "e2fsprogs"); err != nil {
			return nil, err
		}
	}
	b.ids = deriveIDs(b.info.digest, j.Type, j.IDSalt, j.Label)
	b.conf, err = writeTemp("cairn-mke2fs-*.conf", []byte(mke2fsConf))
	return b, err
}

// auto builds the image at the estimated size, growing it while mke2fs
// runs out of space.
func (b *ext4Build) auto() (int64, error) {
	size := ext4Estimate(b.info.ext4, 10)
	for range 8 {
		err := b.build(b.job.Out, size, true)
		if !errors.Is(err, errNoSpace) {
			return size, err
		}
		size = roundMiB(size + max(mebibyte, size/16))
	}
	return 0, fmt.Errorf("mke2fs still finds %s too small for the tree; give size=", sizeString(size))
}

// need finds a size, larger than have, that holds the tree, by trial
// builds of the bare file system next to the output.
func (b *ext4Build) need(have int64) int64 {
	probe := b.job.Out + ".probe"
	defer os.Remove(probe)
	size := max(ext4Estimate(b.info.ext4, 0), roundMiB(have+1))
	for range 16 {
		if err := b.build(probe, size, false); !errors.Is(err, errNoSpace) {
			break
		}
		size = roundMiB(size + max(mebibyte, size/16))
	}
	return size
}

// build writes the image of size bytes to out; full also sets the
// extended attributes and the timestamps (a probe needs neither).
func (b *ext4Build) build(out string, size int64, full bool) error {
	return writeSized(out, size, func(f *os.File) error {
		env := toolEnv("MKE2FS_CONFIG="+b.conf, "E2FSPROGS_FAKE_TIME="+b.job.Epoch.String())
		if err := b.runMke2fs(env, f.Name(), size); err != nil || !full {
			return err
		}
		if b.debugfs != "" {
			if err := setXattrs(env, b.debugfs, f.Name(), b.info.xattrs); err != nil {
				return err
			}
		}
		return stampExt4(f, b.job.Epoch.Unix())
	})
}

// runMke2fs runs mke2fs on img, telling a full file system (errNoSpace)
// from other failures.
func (b *ext4Build) runMke2fs(env []string, img string, size int64) error {
	args := []string{"-q", "-F", "-t", "ext4", "-b", "4096", "-d", b.job.Src, "-U", b.ids.uuid,
		"-E", "hash_seed=" + b.ids.hashSeed + ",root_owner=0:0,no_copy_xattrs"}
	if b.job.Label != "" {
		args = append(args, "-L", b.job.Label)
	}
	if n := inodeCount(b.info.ext4, size); n > 0 {
		args = append(args, "-N", strconv.FormatInt(n, 10))
	}
	out, err := runTool(env, b.mke2fs, append(args, img)...)
	if err != nil && (strings.Contains(out, "Could not allocate") || strings.Contains(out, "No space left") || strings.Contains(out, "Not enough space")) {
		return fmt.Errorf("%w: %v", errNoSpace, err)
	}
	return err
}

// writeTemp writes data to a new temporary file and returns its path.
func writeTemp(pattern string, data []byte) (string, error) {
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}
