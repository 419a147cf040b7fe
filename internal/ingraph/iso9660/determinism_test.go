package iso9660

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// imagesOf writes src and returns every output file's bytes by name.
func imagesOf(t *testing.T, src string, opts Options) map[string][]byte {
	t.Helper()
	out := t.TempDir()
	_, err := Write(src, out, "img", opts)
	testutil.Must(t, err)
	files := map[string][]byte{}
	ents, err := os.ReadDir(out)
	testutil.Must(t, err)
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(out, e.Name()))
		testutil.Must(t, err)
		files[e.Name()] = b
	}
	return files
}

func TestDeterministic(t *testing.T) {
	src := richTree(t)
	writeFile(t, filepath.Join(src, "isolinux/isolinux.bin"), bytes.Repeat([]byte("boot"), 5000), 0o644)
	efi := filepath.Join(t.TempDir(), "efi.img")
	writeFile(t, efi, bytes.Repeat([]byte{1, 2, 3}, 100000), 0o644)
	copyDir := filepath.Join(t.TempDir(), "copy")
	if out, err := exec.Command("cp", "-a", src, copyDir).CombinedOutput(); err != nil {
		t.Fatalf("cp -a: %v\n%s", err, out)
	}
	for _, opts := range []Options{
		{VolumeID: "D", Epoch: 42, BIOSImage: "isolinux/isolinux.bin", EFIImage: efi},
		{VolumeID: "D", Epoch: 42, MaxVolumeSize: 300 << 10, BIOSImage: "isolinux/isolinux.bin"},
	} {
		a, b, c := imagesOf(t, src, opts), imagesOf(t, src, opts), imagesOf(t, copyDir, opts)
		if len(a) < 2 {
			t.Fatalf("outputs %d files", len(a))
		}
		for name, data := range a {
			if !bytes.Equal(data, b[name]) {
				t.Errorf("%s differs between two runs", name)
			}
			if !bytes.Equal(data, c[name]) {
				t.Errorf("%s differs for a copy of the tree elsewhere", name)
			}
		}
	}
}

func TestEpochChangesOnlyDates(t *testing.T) {
	src := richTree(t)
	a := imagesOf(t, src, Options{VolumeID: "E", Epoch: 1})
	b := imagesOf(t, src, Options{VolumeID: "E", Epoch: 2})
	if bytes.Equal(a["img.iso"], b["img.iso"]) {
		t.Error("the epoch is not recorded")
	}
	if len(a["img.iso"]) != len(b["img.iso"]) {
		t.Error("the epoch changed the layout")
	}
}
