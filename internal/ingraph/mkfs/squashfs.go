package mkfs

import (
	"os"

	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// makeSquashfs runs mksquashfs (squashfs-tools, 4.5.1 in cairn's tools
// root) with zstd compression and every timestamp, including the
// superblock's, set to the epoch. mksquashfs sorts directories itself
// and is reproducible by default, whatever the number of processors.
// Extended attributes are stored in the order the source lists them,
// so a tree listing some out of sorted order is first copied with
// them sorted (squashfsSource). The image is padded with a hole to whole MiB, or to --size, which
// must not be smaller than the image. squashfs has no label or UUID:
// --label is an error, and the JSON uuid is "".
func makeSquashfs(j request.Mkfs) (Result, error) {
	if j.Label != "" {
		return Result{}, errSquashfsLabel
	}
	tool, err := lookTool("mksquashfs", "squashfs-tools")
	if err != nil {
		return Result{}, err
	}
	src, err := squashfsSource(j)
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(j.Out + ".stage")
	tmp := j.Out + ".tmp"
	defer os.Remove(tmp)
	epoch := j.Epoch.String()
	if _, err := runTool(toolEnv(), tool, src, tmp, "-noappend", "-all-time", epoch, "-mkfs-time", epoch, "-comp", "zstd", "-quiet", "-no-progress"); err != nil {
		return Result{}, err
	}
	fi, err := os.Stat(tmp)
	if err != nil {
		return Result{}, err
	}
	size := j.Size
	if size == 0 {
		size = roundMiB(fi.Size())
	} else if fi.Size() > size {
		return Result{}, tooSmallError(roundMiB(fi.Size()), "squashfs", size)
	}
	if err := padAndRename(tmp, j.Out, size); err != nil {
		return Result{}, err
	}
	return Result{Type: "squashfs", Size: size}, nil
}

// squashfsSource returns the tree to give mksquashfs: the source, or,
// when some entry lists its extended attributes out of sorted order, a
// copy next to the output with them set in sorted order (see
// xattrsInOrder), removed afterwards.
func squashfsSource(j request.Mkfs) (string, error) {
	ordered, err := xattrsInOrder(j.Src)
	if err != nil || ordered {
		return j.Src, err
	}
	stage := j.Out + ".stage"
	if err := os.RemoveAll(stage); err != nil {
		return "", err
	}
	return stage, stageTree(j.Src, stage)
}

// padAndRename extends tmp to size with a hole, syncs it and renames it
// to out.
func padAndRename(tmp, out string, size int64) error {
	f, err := os.OpenFile(tmp, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Truncate(size)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return errWrite(tmp, err)
	}
	return os.Rename(tmp, out)
}
