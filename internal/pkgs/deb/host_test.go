package deb

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// aptHelper decompresses apt's list files whatever their compression.
const aptHelper = "/usr/lib/apt/apt-helper"

// skipWhileFuzzing skips a test that runs host programs by the thousand.
// `go test -fuzz` runs the package's tests before it starts fuzzing, so
// without this every fuzzing session of the package waits for them (tens
// of seconds for the dpkg oracle); plain `go test` still runs them.
func skipWhileFuzzing(t *testing.T) {
	if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" {
		t.Skip("fuzzing: the host oracle runs in plain go test")
	}
}

// hostIndexes returns the Packages lists apt downloaded on this machine,
// sorted, skipping the test when there are none.
func hostIndexes(t testing.TB) []string {
	t.Helper()
	files, _ := filepath.Glob("/var/lib/apt/lists/*_Packages*")
	sort.Strings(files)
	if len(files) == 0 {
		t.Skip("no Packages lists in /var/lib/apt/lists (run apt-get update)")
	}
	if _, err := os.Stat(aptHelper); err != nil {
		t.Skipf("%s: %v", aptHelper, err)
	}
	return files
}

// catList returns a list file decompressed by apt-helper.
func catList(t testing.TB, path string) []byte {
	t.Helper()
	out, err := exec.Command(aptHelper, "cat-file", path).Output()
	if err != nil {
		t.Fatalf("%s cat-file %s: %v", aptHelper, path, err)
	}
	return out
}

// hostPackages parses every host index, failing the test on any error.
func hostPackages(t testing.TB) []*pkgs.Package {
	t.Helper()
	var all []*pkgs.Package
	for _, f := range hostIndexes(t) {
		ps, err := ParsePackages(bytes.NewReader(catList(t, f)), filepath.Base(f))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ps...)
	}
	return all
}

// countPackageLines counts lines starting with "Package:", as
// grep -c '^Package:' does.
func countPackageLines(data []byte) int {
	n := bytes.Count(data, []byte("\nPackage:"))
	if bytes.HasPrefix(data, []byte("Package:")) {
		n++
	}
	return n
}
