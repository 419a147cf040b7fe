package fat

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// build writes the image of src with opts to a new file and returns its
// path and volume.
func build(t testing.TB, src string, opts Options) (string, *Volume) {
	t.Helper()
	tree, err := Scan(src)
	if err != nil {
		t.Fatal(err)
	}
	v, err := Plan(tree, opts)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "fat.img")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(v.Size()); err != nil {
		t.Fatal(err)
	}
	if err := v.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	return out, v
}

// need skips nothing: it fails when a witness tool is missing.
func need(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("witness %s not found in PATH: install it (dosfstools, mtools)", tool)
		}
	}
}

// run runs a command and returns its combined output, failing on error.
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// symlink is os.Symlink.
func symlink(target, name string) error { return os.Symlink(target, name) }
