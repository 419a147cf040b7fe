package diskimg

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// pattern returns n deterministic bytes, none of them zero.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7+int(seed))%251 + 1
	}
	return b
}

// sparseFile creates a file of size bytes that is a hole except for the
// given chunks.
func sparseFile(t *testing.T, path string, size int64, chunks map[int64][]byte) string {
	t.Helper()
	f, err := os.Create(path)
	testutil.Must(t, err)
	defer f.Close()
	testutil.Must(t, f.Truncate(size))
	for off, data := range chunks {
		_, err := f.WriteAt(data, off)
		testutil.Must(t, err)
	}
	return path
}

// writeFile writes data to path and returns path.
func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	testutil.Must(t, os.WriteFile(path, data, 0o644))
	return path
}

// buildIn builds spec into a new directory and returns the result and
// the directory.
func buildIn(t *testing.T, spec Spec) (*Result, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	r, err := Build(&spec, out)
	if err != nil {
		t.Fatalf("build %s: %v", spec.Name, err)
	}
	return r, out
}

// tool runs a witness tool, failing the test if it is missing or fails.
func tool(t *testing.T, stdin io.Reader, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("witness tool %s not found: %v", name, err)
	}
	cmd := exec.Command(name, args...)
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s%s", name, args, err, out, stderr.Bytes())
	}
	return string(out) + stderr.String()
}

// readAt reads n bytes of file at off.
func readAt(t *testing.T, file string, off, n int64) []byte {
	t.Helper()
	f, err := os.Open(file)
	testutil.Must(t, err)
	defer f.Close()
	b := make([]byte, n)
	_, err = f.ReadAt(b, off)
	testutil.Must(t, err)
	return b
}

// fileSHA256 hashes a file.
func fileSHA256(t *testing.T, file string) string {
	t.Helper()
	f, err := os.Open(file)
	testutil.Must(t, err)
	defer f.Close()
	h := sha256.New()
	_, err = io.Copy(h, f)
	testutil.Must(t, err)
	return hex.EncodeToString(h.Sum(nil))
}

// sfdiskTable is what sfdisk --json prints.
type sfdiskTable struct {
	PartitionTable struct {
		Label      string `json:"label"`
		ID         string `json:"id"`
		FirstLBA   int64  `json:"firstlba"`
		LastLBA    int64  `json:"lastlba"`
		Partitions []struct {
			Start    int64  `json:"start"`
			Size     int64  `json:"size"`
			Type     string `json:"type"`
			UUID     string `json:"uuid"`
			Name     string `json:"name"`
			Attrs    string `json:"attrs"`
			Bootable bool   `json:"bootable"`
		} `json:"partitions"`
	} `json:"partitiontable"`
}

// sfdiskJSON reads an image's table with sfdisk --json.
func sfdiskJSON(t *testing.T, img string) sfdiskTable {
	t.Helper()
	var tab sfdiskTable
	testutil.Must(t, json.Unmarshal([]byte(tool(t, nil, "sfdisk", "--json", img)), &tab))
	return tab
}

// sameBytes compares the image region at off with want.
func sameBytes(t *testing.T, what, img string, off int64, want []byte) {
	t.Helper()
	if got := readAt(t, img, off, int64(len(want))); !bytes.Equal(got, want) {
		t.Errorf("%s at %d differs from its input", what, off)
	}
}

// allZero reports whether b holds only zeros.
func allZero(b []byte) bool {
	return !slices.ContainsFunc(b, func(c byte) bool { return c != 0 })
}

// runQuiet runs a command that may fail and returns its output.
func runQuiet(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}
