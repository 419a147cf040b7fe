// Command hello is the static program the integration tests run inside
// BuildKit: it proves a step ran, and on which architecture (a foreign one
// runs under qemu-user). It writes "hello from GOOS/GOARCH args=[...]" to the
// file named by its first argument; with the argument --fail it prints a
// message to stderr and exits 3 instead, so the tests can watch a failure.
// With --mknod it also makes, beside the file, what must not reach a host
// through a directory export: a block device, a character device, a fifo,
// a setuid and a world-writable file.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: hello OUTFILE [ARGS...]")
		os.Exit(2)
	}
	if slices.Contains(os.Args[1:], "--fail") {
		fmt.Fprintln(os.Stderr, "boom: deliberate failure")
		os.Exit(3)
	}
	if slices.Contains(os.Args[2:], "--mknod") {
		if err := mknods(filepath.Dir(os.Args[1])); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	msg := fmt.Sprintf("hello from %s/%s args=%v\n", runtime.GOOS, runtime.GOARCH, os.Args[2:])
	if err := os.WriteFile(os.Args[1], []byte(msg), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// mknods makes the hostile entries in dir.
func mknods(dir string) error {
	syscall.Umask(0)
	nodes := []struct {
		name string
		mode uint32
		dev  int
	}{
		{"disk", syscall.S_IFBLK | 0o666, 8<<8 | 0},
		{"null", syscall.S_IFCHR | 0o666, 1<<8 | 3},
		{"pipe", syscall.S_IFIFO | 0o666, 0},
	}
	for _, n := range nodes {
		if err := syscall.Mknod(filepath.Join(dir, n.name), n.mode, n.dev); err != nil {
			return fmt.Errorf("mknod %s: %w", n.name, err)
		}
	}
	for name, mode := range map[string]os.FileMode{"su": 0o755 | os.ModeSetuid, "sg": 0o755 | os.ModeSetgid, "open": 0o666} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(name), 0o600); err != nil {
			return err
		}
		if err := os.Chmod(p, mode); err != nil {
			return err
		}
	}
	return nil
}
