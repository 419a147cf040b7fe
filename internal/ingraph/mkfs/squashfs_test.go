package mkfs

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/request"
)

func TestMkfsSquashfs(t *testing.T) {
	mkfsNeed(t, "mksquashfs", "unsquashfs")
	src, other := mkfsRich(t, false), mkfsRich(t, true)
	dir := t.TempDir()
	img := filepath.Join(dir, "root.sqfs")
	req := request.Mkfs{Type: "squashfs", Epoch: 1700000000, Src: src, Out: img}
	res := mkfsRun(t, req)
	if res != (Result{Type: "squashfs", Size: res.Size}) || res.Size%(1<<20) != 0 {
		t.Errorf("result %+v", res)
	}
	list := mkfsTool(t, "unsquashfs", "-lln", img)
	for _, want := range []string{
		"-rwsr-xr-x 0/0                      12 2023-11-14 22:13 squashfs-root/bin/ping\n",
		"lrwxrwxrwx 0/0                       4 2023-11-14 22:13 squashfs-root/bin/short-link -> ping\n",
		"drwx------ 1000/1000",
		"-rw-r----- 0/42 ",
		"crw-rw-rw- 0/0                   1,  3 2023-11-14 22:13 squashfs-root/null\n",
		"prw------- 0/0                       0 2023-11-14 22:13 squashfs-root/fifo\n",
		"squashfs-root/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/deep file.txt\n",
	} {
		if !strings.Contains(list, want) {
			t.Errorf("unsquashfs -lln lacks %q", want)
		}
	}
	out := filepath.Join(t.TempDir(), "x")
	mkfsTool(t, "unsquashfs", "-d", out, img)
	mkfsSame(t, mkfsFiles(t, out), mkfsFiles(t, src))
	again := req
	again.Src, again.Out = other, filepath.Join(dir, "again.sqfs")
	mkfsRun(t, again)
	if !bytes.Equal(mkfsRead(t, img), mkfsRead(t, again.Out)) {
		t.Error("a tree created in another order gives another image")
	}
	mkfsMountCheck(t, img, "squashfs", src)
}
