package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

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
	must(t, err)
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
	must(t, os.WriteFile(filepath.Join(src, "bin", "blob"), data, 0o644))
	return src
}

func TestCpioCompress(t *testing.T) {
	src := compressTree(t)
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.cpio")
	if r := runWith(nil, "cpio", "--epoch", "7", "--compress", "none", src, plain); r.code != 0 {
		t.Fatalf("cpio: %+v", r)
	}
	want, err := os.ReadFile(plain)
	must(t, err)
	for name, tool := range decompressors {
		out, again := filepath.Join(dir, name+".1"), filepath.Join(dir, name+".2")
		for _, o := range []string{out, again} {
			if r := runWith(nil, "cpio", "--epoch", "7", "--compress", name, src, o); r.code != 0 {
				t.Fatalf("cpio --compress %s: %+v", name, r)
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
	if dirContents(t, dest) != dirContents(t, src) {
		t.Errorf("%s: extracted tree differs from the source", archive)
	}
	if fi, err := os.Stat(filepath.Join(dest, "bin", "blob")); err != nil || fi.ModTime().Unix() != 7 {
		t.Errorf("%s: blob %v, %v", archive, fi, err)
	}
}

// compressed writes the archive of src with one compression.
func compressed(t *testing.T, src, name string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "initramfs."+name)
	if r := runWith(nil, "cpio", "--compress", name, src, out); r.code != 0 {
		t.Fatalf("cpio --compress %s: %+v", name, r)
	}
	return out
}

// TestCompressKernelLimits reads back the parameters the kernel's
// decompressors care about, as the reference tools report them.
func TestCompressKernelLimits(t *testing.T) {
	src := compressTree(t)
	xzList := string(pipe(t, os.DevNull, "xz", "-lvv", compressed(t, src, "xz")))
	if !regexp.MustCompile(`Check:\s+CRC32\n`).MatchString(xzList) || !strings.Contains(xzList, "--lzma2=dict=1MiB") ||
		strings.Contains(xzList, "--x86") {
		t.Errorf("xz stream is not CRC32 + plain LZMA2 with a 1 MiB dictionary:\n%s", xzList)
	}
	zst := compressed(t, src, "zstd")
	zList := string(pipe(t, os.DevNull, "zstd", "-lv", zst))
	m := regexp.MustCompile(`Window Size: .*\((\d+) B\)`).FindStringSubmatch(zList)
	if m == nil || !strings.Contains(zList, "Check: XXH64") {
		t.Fatalf("zstd -lv: no window size or no checksum:\n%s", zList)
	}
	if w, _ := strconv.Atoi(m[1]); w > 8<<20 {
		t.Errorf("zstd window %d bytes, over the 8 MiB older kernels accept", w)
	}
	gz, err := os.ReadFile(compressed(t, src, "gzip"))
	must(t, err)
	if gz[3]&0x08 != 0 || binary.LittleEndian.Uint32(gz[4:8]) != 0 {
		t.Errorf("gzip header has a name (flags %#x) or a time (%d)", gz[3], binary.LittleEndian.Uint32(gz[4:8]))
	}
}

// TestXZEmbedded decodes with a port of XZ Embedded, the kernel's xz
// decoder.
func TestXZEmbedded(t *testing.T) {
	src := compressTree(t)
	f, err := os.Open(compressed(t, src, "xz"))
	must(t, err)
	defer f.Close()
	r, err := xz.NewReader(f, 1<<20)
	must(t, err)
	got, err := io.ReadAll(r)
	must(t, err)
	plain := filepath.Join(t.TempDir(), "plain")
	runWith(nil, "cpio", src, plain)
	if want, _ := os.ReadFile(plain); !bytes.Equal(got, want) {
		t.Error("XZ Embedded port decodes something else")
	}
}

func TestCpioCompressUsage(t *testing.T) {
	src := srcTree(t)
	out := filepath.Join(t.TempDir(), "x")
	r := runWith(nil, "cpio", "--compress", "lz4", src, out)
	if r.code != 2 || !strings.Contains(r.stderr, `unknown compression "lz4": want none, gzip, zstd or xz`) {
		t.Errorf("--compress lz4: %+v", r)
	}
}

// initSource is a tiny /init: it loads the modules of cairn.load in order
// with finit_module(2), then reports each result, the digest of every file
// in /markers and the file systems the kernel knows on the console, and
// powers off.
const initSource = `package main

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"os"
	"strings"
	"syscall"
	"unsafe"
)

// sysFinitModule is finit_module(2) on amd64; package syscall predates it.
const sysFinitModule = 313

func main() {
	syscall.Mount("devtmpfs", "/dev", "devtmpfs", 0, "")
	syscall.Mount("proc", "/proc", "proc", 0, "")
	con, err := os.OpenFile("/dev/console", os.O_WRONLY, 0)
	if err != nil {
		con = os.Stdout
	}
	var u syscall.Utsname
	syscall.Uname(&u)
	var rel []byte
	for _, c := range u.Release {
		if c != 0 {
			rel = append(rel, byte(c))
		}
	}
	dir := "/usr/lib/modules/" + string(rel) + "/"
	list, err := os.ReadFile(dir + "cairn.load")
	fmt.Fprintf(con, "CAIRN list %v\n", err)
	empty := []byte{0}
	for _, line := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		name, path, _ := strings.Cut(line, " ")
		fd, err := syscall.Open(dir+path, syscall.O_RDONLY, 0)
		if err == nil {
			_, _, e := syscall.Syscall(sysFinitModule, uintptr(fd), uintptr(unsafe.Pointer(&empty[0])), 0)
			if e != 0 {
				err = e
			}
		}
		fmt.Fprintf(con, "CAIRN insmod %s: %v\n", name, err)
	}
	markers, _ := os.ReadDir("/markers")
	for _, m := range markers {
		data, _ := os.ReadFile("/markers/" + m.Name())
		fmt.Fprintf(con, "CAIRN marker %s %x\n", m.Name(), sha256.Sum256(data))
	}
	fs, _ := os.Open("/proc/filesystems")
	for s := bufio.NewScanner(fs); s.Scan(); {
		fmt.Fprintf(con, "CAIRN fs %s\n", strings.TrimSpace(s.Text()))
	}
	fmt.Fprintln(con, "CAIRN done")
	syscall.Sync()
	syscall.Reboot(syscall.LINUX_REBOOT_CMD_POWER_OFF)
}
`

// bootOrder is the compression of each archive of the test initramfs,
// concatenated in this order, as the kernel allows.
var bootOrder = []string{"none", "gzip", "zstd", "xz"}

// bootParts returns the tree of each archive: /init uncompressed, a
// marker in gzip, kmods' ext4 and virtio_blk in zstd, a marker bigger
// than the xz dictionary in xz. It also returns the markers' digests.
func bootParts(t *testing.T, k debianKernel) (map[string]string, map[string]string) {
	t.Helper()
	parts := map[string]string{}
	for _, name := range bootOrder {
		parts[name] = filepath.Join(t.TempDir(), name)
	}
	if r, _ := runKmodsCmd(t, "--root", k.root, "--out", parts["zstd"], "ext4", "virtio_blk"); r.code != 0 {
		t.Fatalf("kmods: %+v", r)
	}
	buildInit(t, parts["none"])
	digests := map[string]string{}
	for name, size := range map[string]int{"gzip": 1 << 20, "xz": 3 << 20} {
		data := make([]byte, size)
		r := rand.New(rand.NewPCG(uint64(size), 3))
		for i := range data {
			data[i] = byte(r.IntN(16))
		}
		must(t, os.MkdirAll(filepath.Join(parts[name], "markers"), 0o755))
		must(t, os.WriteFile(filepath.Join(parts[name], "markers", name), data, 0o644))
		digests[name] = fmt.Sprintf("%x", sha256.Sum256(data))
	}
	return parts, digests
}

// buildInit compiles initSource to root/init and adds dev and proc.
func buildInit(t *testing.T, root string) {
	t.Helper()
	srcDir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(srcDir, "init.go"), []byte(initSource), 0o644))
	build := exec.Command("go", "build", "-o", filepath.Join(root, "init"), "init.go")
	build.Dir = srcDir
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GO111MODULE=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build init: %v\n%s", err, out)
	}
	for _, d := range []string{"dev", "proc"} {
		must(t, os.Mkdir(filepath.Join(root, d), 0o755))
	}
}

// TestInitramfsBoots boots the Debian kernel under QEMU with one
// initramfs made of an archive in each compression: the kernel must
// unpack them all and load every module of cairn.load in order. (KVM is
// not used: under nested virtualisation it can hang the guest.)
func TestInitramfsBoots(t *testing.T) {
	k := realKernel(t)
	qemu, err := exec.LookPath("qemu-system-x86_64")
	if runtime.GOARCH != "amd64" || err != nil {
		t.Skip("needs qemu-system-x86_64 on amd64")
	}
	parts, digests := bootParts(t, k)
	var initrd []byte
	for _, name := range bootOrder {
		data, err := os.ReadFile(compressed(t, parts[name], name))
		must(t, err)
		initrd = append(initrd, data...)
	}
	file := filepath.Join(t.TempDir(), "initrd")
	must(t, os.WriteFile(file, initrd, 0o644))
	start := time.Now()
	console := boot(t, qemu, filepath.Join(k.root, "boot", "vmlinuz-"+k.version), file)
	t.Logf("booted in %v", time.Since(start))
	load, err := os.ReadFile(filepath.Join(parts["zstd"], "usr/lib/modules", k.version, "cairn.load"))
	must(t, err)
	checkBoot(t, console, string(load), digests)
}

// boot runs the kernel with the initramfs and returns the serial console.
func boot(t *testing.T, qemu, kernel, initrd string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemu, "-cpu", "max", "-m", "512", "-nodefaults", "-display", "none",
		"-serial", "stdio", "-no-reboot", "-kernel", kernel, "-initrd", initrd,
		"-append", "console=ttyS0 panic=-1 loglevel=3")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("qemu: %v\n%s", err, out)
	}
	return strings.ReplaceAll(string(out), "\r", "")
}

// checkBoot wants every module of the load list loaded, the markers
// intact and ext4 registered.
func checkBoot(t *testing.T, console, load string, digests map[string]string) {
	t.Helper()
	for line := range strings.Lines(load) {
		mod, _, _ := strings.Cut(line, " ")
		if !strings.Contains(console, fmt.Sprintf("CAIRN insmod %s: <nil>\n", mod)) {
			t.Errorf("%s did not load", mod)
		}
	}
	for name, sum := range digests {
		if !strings.Contains(console, fmt.Sprintf("CAIRN marker %s %s\n", name, sum)) {
			t.Errorf("marker of the %s archive missing or damaged", name)
		}
	}
	if strings.Contains(console, "Initramfs unpacking failed") {
		t.Error("the kernel could not unpack the initramfs")
	}
	if !strings.Contains(console, "CAIRN fs ext4\n") || !strings.Contains(console, "CAIRN done\n") || t.Failed() {
		t.Errorf("ext4 not registered or init did not finish; console:\n%s", console)
	}
}
