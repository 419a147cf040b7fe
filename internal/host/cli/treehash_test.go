package cli

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// imageTar is a tar holding a 64 MiB "disk image" with data at its start,
// in its middle and nowhere else, a small file and a hard link to it.
func imageTar(t *testing.T) (tarball []byte, image []byte) {
	t.Helper()
	image = make([]byte, 64<<20)
	copy(image, "boot sector")
	copy(image[32<<20:], bytes.Repeat([]byte("x"), 10000))
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	add := func(h *tar.Header, data []byte) {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	mt := time.Unix(315532800, 0)
	add(&tar.Header{Name: "disk.img", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(image)), ModTime: mt}, image)
	add(&tar.Header{Name: "small", Typeflag: tar.TypeReg, Mode: 0o644, Size: 5, ModTime: mt}, []byte("hello"))
	add(&tar.Header{Name: "link", Typeflag: tar.TypeLink, Linkname: "small", ModTime: mt}, nil)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), image
}

func sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// TestUntarSparse: a mostly-empty image arrives as holes (allocated blocks,
// what du counts, far below its size), with its bytes and the sums untar
// took while writing right.
func TestUntarSparse(t *testing.T) {
	dir := t.TempDir()
	tarball, image := imageTar(t)
	ex, err := untar(bytes.NewReader(tarball), dir)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "disk.img")
	got, err := os.ReadFile(p)
	if err != nil || !bytes.Equal(got, image) {
		t.Fatalf("disk.img differs from what was exported (err %v)", err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(p, &st); err != nil {
		t.Fatal(err)
	}
	if allocated := st.Blocks * 512; allocated > 1<<20 {
		t.Errorf("disk.img: %d bytes allocated for %d bytes with 10 KB of data: not written sparse", allocated, st.Size)
	}
	want := map[string]string{"disk.img": sum(image), "small": sum([]byte("hello")), "link": sum([]byte("hello"))}
	for name, s := range want {
		if ex.sums[name] != s {
			t.Errorf("sum of %s = %q, want %q", name, ex.sums[name], s)
		}
	}
}

// TestTreeDigestIndex: the digest from untar's sums, from the index and
// from reading every file agree; a file changed behind the index's back
// (same size and mtime, new content) is read again, since ctime moved.
func TestTreeDigestIndex(t *testing.T) {
	dir := t.TempDir()
	tarball, _ := imageTar(t)
	ex, err := untar(bytes.NewReader(tarball), dir)
	if err != nil {
		t.Fatal(err)
	}
	fromSums, index, err := treeDigest(dir, sumsOf(ex.sums))
	if err != nil {
		t.Fatal(err)
	}
	read, _, _ := treeDigest(dir, nil)
	fromIndex, again, _ := treeDigest(dir, index.matches)
	if fromSums != read || fromIndex != read {
		t.Fatalf("digests differ: from untar's sums %s, from the index %s, reading %s", fromSums, fromIndex, read)
	}
	if len(index) != 3 || index["small"].Sum != sum([]byte("hello")) || index["small"].Ino == 0 || index["small"].Ctime == 0 {
		t.Errorf("index = %+v", index)
	}
	for k, v := range again {
		if index[k] != v {
			t.Errorf("index entry %s changed on a no-op: %+v -> %+v", k, index[k], v)
		}
	}

	// Same size, same mtime, other bytes: only ctime tells.
	p := filepath.Join(dir, "small")
	info, _ := os.Stat(p)
	time.Sleep(10 * time.Millisecond)
	if err := os.WriteFile(p, []byte("HELLO"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(p, info.ModTime(), info.ModTime())
	changed, _, _ := treeDigest(dir, index.matches)
	reread, _, _ := treeDigest(dir, nil)
	if changed == read || changed != reread {
		t.Errorf("a changed file was trusted: digest %s, before %s, reading all %s", changed, read, reread)
	}
}
