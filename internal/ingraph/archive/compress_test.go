package archive

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/testutil"
	"github.com/therootcompany/xz"
)

// decompressors are the independent tools that must read each format.
var decompressors = map[string][]string{
	"gzip": {"gzip", "-dc"},
	"zstd": {"zstd", "-dcq"},
	"xz":   {"xz", "-dc"},
}

// pipe runs a host command on the file in and returns its output.
func pipe(t *testing.T, in string, name string, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s not installed: it is the witness", name)
	}
	f, err := os.Open(in)
	testutil.Must(t, err)
	defer f.Close()
	var out, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = f, &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %q < %s: %v\n%s", name, args, in, err, stderr.Bytes())
	}
	return out.Bytes()
}

// compressTree is srcTree plus 3 MB of half-compressible data, so the
// streams span several blocks.
func compressTree(t *testing.T) string {
	t.Helper()
	src := srcTree(t)
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 3<<20)
	for i := range data {
		data[i] = "abcdefgh"[r.IntN(8)] + byte(r.IntN(2))
	}
	testutil.Must(t, os.WriteFile(filepath.Join(src, "bin", "blob"), data, 0o644))
	return src
}

func TestCpioCompress(t *testing.T) {
	src := compressTree(t)
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.cpio")
	testutil.Must(t, RunCpio(request.Cpio{Src: src, Out: plain, Epoch: 7, Compress: "none"}))
	want, err := os.ReadFile(plain)
	testutil.Must(t, err)
	for name, tool := range decompressors {
		out, again := filepath.Join(dir, name+".1"), filepath.Join(dir, name+".2")
		for _, o := range []string{out, again} {
			if err := RunCpio(request.Cpio{Src: src, Out: o, Epoch: 7, Compress: name}); err != nil {
				t.Fatalf("cpio compress %s: %v", name, err)
			}
		}
		a, _ := os.ReadFile(out)
		b, _ := os.ReadFile(again)
		if !bytes.Equal(a, b) || len(a) >= len(want) {
			t.Errorf("%s: two runs differ (%d, %d bytes) or no smaller than %d", name, len(a), len(b), len(want))
		}
		if got := pipe(t, out, tool[0], tool[1:]...); !bytes.Equal(got, want) {
			t.Errorf("%s -d gives %d bytes, not the %d-byte archive", name, len(got), len(want))
		}
		checkExtract(t, src, out, tool)
	}
}

// checkExtract unpacks a compressed archive with the decompressor and GNU
// cpio and compares the files with the source.
func checkExtract(t *testing.T, src, archive string, tool []string) {
	t.Helper()
	dest := t.TempDir()
	sh := fmt.Sprintf("%s %q | (cd %q && cpio -idm --quiet)", strings.Join(tool, " "), archive, dest)
	if out, err := exec.Command("sh", "-c", sh).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", sh, err, out)
	}
	if testutil.DirContents(t, dest) != testutil.DirContents(t, src) {
		t.Errorf("%s: extracted tree differs from the source", archive)
	}
	if fi, err := os.Stat(filepath.Join(dest, "bin", "blob")); err != nil || fi.ModTime().Unix() != 7 {
		t.Errorf("%s: blob %v, %v", archive, fi, err)
	}
}

// compressedArchive writes the archive of src with one compression.
func compressedArchive(t *testing.T, src, name string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "initramfs."+name)
	if err := RunCpio(request.Cpio{Src: src, Out: out, Epoch: epoch.Default, Compress: name}); err != nil {
		t.Fatalf("cpio compress %s: %v", name, err)
	}
	return out
}

// TestCompressKernelLimits reads back the parameters the kernel's
// decompressors care about, as the reference tools report them.
func TestCompressKernelLimits(t *testing.T) {
	src := compressTree(t)
	xzList := string(pipe(t, os.DevNull, "xz", "-lvv", compressedArchive(t, src, "xz")))
	if !regexp.MustCompile(`Check:\s+CRC32\n`).MatchString(xzList) || !strings.Contains(xzList, "--lzma2=dict=1MiB") ||
		strings.Contains(xzList, "--x86") {
		t.Errorf("xz stream is not CRC32 + plain LZMA2 with a 1 MiB dictionary:\n%s", xzList)
	}
	zst := compressedArchive(t, src, "zstd")
	zList := string(pipe(t, os.DevNull, "zstd", "-lv", zst))
	m := regexp.MustCompile(`Window Size: .*\((\d+) B\)`).FindStringSubmatch(zList)
	if m == nil || !strings.Contains(zList, "Check: XXH64") {
		t.Fatalf("zstd -lv: no window size or no checksum:\n%s", zList)
	}
	if w, _ := strconv.Atoi(m[1]); w > 8<<20 {
		t.Errorf("zstd window %d bytes, over the 8 MiB older kernels accept", w)
	}
	gz, err := os.ReadFile(compressedArchive(t, src, "gzip"))
	testutil.Must(t, err)
	if gz[3]&0x08 != 0 || binary.LittleEndian.Uint32(gz[4:8]) != 0 {
		t.Errorf("gzip header has a name (flags %#x) or a time (%d)", gz[3], binary.LittleEndian.Uint32(gz[4:8]))
	}
}

// TestXZEmbedded decodes with a port of XZ Embedded, the kernel's xz
// decoder.
func TestXZEmbedded(t *testing.T) {
	src := compressTree(t)
	f, err := os.Open(compressedArchive(t, src, "xz"))
	testutil.Must(t, err)
	defer f.Close()
	r, err := xz.NewReader(f, 1<<20)
	testutil.Must(t, err)
	got, err := io.ReadAll(r)
	testutil.Must(t, err)
	plain := filepath.Join(t.TempDir(), "plain")
	testutil.Must(t, RunCpio(request.Cpio{Src: src, Out: plain, Epoch: epoch.Default}))
	if want, _ := os.ReadFile(plain); !bytes.Equal(got, want) {
		t.Error("XZ Embedded port decodes something else")
	}
}

func TestCpioCompressUnknown(t *testing.T) {
	src := srcTree(t)
	out := filepath.Join(t.TempDir(), "x")
	if err := RunCpio(request.Cpio{Src: src, Out: out, Compress: "lz4"}); err == nil || !strings.Contains(err.Error(), `unknown compression "lz4"`) {
		t.Errorf("compress lz4: %v", err)
	}
	if _, err := os.Stat(out + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file left behind: %v", err)
	}
}
