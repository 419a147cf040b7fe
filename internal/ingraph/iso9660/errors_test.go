package iso9660

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

func TestBadInput(t *testing.T) {
	for name, tc := range map[string]struct {
		setup func(t *testing.T, src string) Options
		want  string
	}{
		"fifo": {func(t *testing.T, src string) Options {
			testutil.Must(t, syscall.Mkfifo(filepath.Join(src, "dev/pipe"), 0o644))
			return Options{}
		}, "dev/pipe is a named pipe (FIFO): an ISO 9660 image holds only regular files, directories and symlinks"},
		"device node": {func(t *testing.T, src string) Options {
			if err := syscall.Mknod(filepath.Join(src, "dev/null"), syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
				t.Skipf("mknod needs privileges: %v", err)
			}
			return Options{}
		}, "dev/null is a character device node"},
		"socket": {func(t *testing.T, src string) Options {
			l, err := net.Listen("unix", filepath.Join(src, "dev/sock"))
			testutil.Must(t, err)
			t.Cleanup(func() { l.Close() })
			return Options{}
		}, "dev/sock is a socket"},
		"long symlink": {func(t *testing.T, src string) Options {
			testutil.Must(t, os.Symlink(strings.Repeat("a/", 513), filepath.Join(src, "dev/long")))
			return Options{}
		}, "symlink to a 1026-byte target"},
		"bios missing":   {func(*testing.T, string) Options { return Options{BIOSImage: "isolinux/isolinux.bin"} }, "no regular file at /isolinux/isolinux.bin"},
		"bios is a dir":  {func(*testing.T, string) Options { return Options{BIOSImage: "dev"} }, "no regular file at /dev"},
		"bios too small": {func(*testing.T, string) Options { return Options{BIOSImage: "etc/tiny"} }, "too small for a boot info table"},
		"efi missing":    {func(*testing.T, string) Options { return Options{EFIImage: "/nonexistent/efi.img"} }, "EFI boot image"},
		"first missing":  {func(*testing.T, string) Options { return Options{First: []string{"nope"}} }, `first "nope": nothing at /nope`},
		"no volume id":   {func(*testing.T, string) Options { return Options{VolumeID: "-"} }, "volume ID is required"},
		"long volume id": {func(*testing.T, string) Options { return Options{VolumeID: strings.Repeat("V", 33)} }, "at most 32 printable"},
		"bad set id":     {func(*testing.T, string) Options { return Options{VolumeSetID: "a\nb"} }, "volume set ID"},
		"epoch too late": {func(*testing.T, string) Options { return Options{Epoch: 6000000000} }, "after 2155"},
		"manifest clash": {func(t *testing.T, src string) Options {
			writeFile(t, filepath.Join(src, manifestName), []byte("x"), 0o644)
			writeFile(t, filepath.Join(src, "big"), make([]byte, 300000), 0o644)
			writeFile(t, filepath.Join(src, "big2"), make([]byte, 300000), 0o644)
			return Options{MaxVolumeSize: 400000}
		}, "the name cairn gives the volume set manifest"},
	} {
		t.Run(name, func(t *testing.T) {
			src := t.TempDir()
			writeFile(t, filepath.Join(src, "etc/tiny"), []byte("tiny"), 0o644)
			testutil.Must(t, os.MkdirAll(filepath.Join(src, "dev"), 0o755))
			opts := tc.setup(t, src)
			switch opts.VolumeID {
			case "":
				opts.VolumeID = "BAD"
			case "-":
				opts.VolumeID = ""
			}
			out := t.TempDir()
			_, err := Write(src, out, "image", opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
			if ents, _ := os.ReadDir(out); len(ents) != 0 {
				t.Errorf("failed run left %d files in the output directory", len(ents))
			}
		})
	}
}
