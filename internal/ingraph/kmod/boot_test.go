package kmod

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/ingraph/archive"
	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/testutil"
)

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
	if _, _, err := runKmods(request.Kmods{Root: k.root, Out: parts["zstd"], Modules: []string{"ext4", "virtio_blk"}}); err != nil {
		t.Fatalf("kmods: %v", err)
	}
	buildInit(t, parts["none"])
	digests := map[string]string{}
	for name, size := range map[string]int{"gzip": 1 << 20, "xz": 3 << 20} {
		data := make([]byte, size)
		r := rand.New(rand.NewPCG(uint64(size), 3))
		for i := range data {
			data[i] = byte(r.IntN(16))
		}
		testutil.Must(t, os.MkdirAll(filepath.Join(parts[name], "markers"), 0o755))
		testutil.Must(t, os.WriteFile(filepath.Join(parts[name], "markers", name), data, 0o644))
		digests[name] = fmt.Sprintf("%x", sha256.Sum256(data))
	}
	return parts, digests
}

// buildInit compiles initSource to root/init and adds dev and proc.
func buildInit(t *testing.T, root string) {
	t.Helper()
	srcDir := t.TempDir()
	testutil.Must(t, os.WriteFile(filepath.Join(srcDir, "init.go"), []byte(initSource), 0o644))
	build := exec.Command("go", "build", "-o", filepath.Join(root, "init"), "init.go")
	build.Dir = srcDir
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GO111MODULE=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build init: %v\n%s", err, out)
	}
	for _, d := range []string{"dev", "proc"} {
		testutil.Must(t, os.Mkdir(filepath.Join(root, d), 0o755))
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
		file := filepath.Join(t.TempDir(), "initramfs."+name)
		testutil.Must(t, archive.RunCpio(request.Cpio{Src: parts[name], Out: file, Epoch: epoch.Default, Compress: name}))
		data, err := os.ReadFile(file)
		testutil.Must(t, err)
		initrd = append(initrd, data...)
	}
	file := filepath.Join(t.TempDir(), "initrd")
	testutil.Must(t, os.WriteFile(file, initrd, 0o644))
	start := time.Now()
	console := boot(t, qemu, filepath.Join(k.root, "boot", "vmlinuz-"+k.version), file)
	t.Logf("booted in %v", time.Since(start))
	load, err := os.ReadFile(filepath.Join(parts["zstd"], "usr/lib/modules", k.version, "cairn.load"))
	testutil.Must(t, err)
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
