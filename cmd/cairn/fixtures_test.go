package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// arches are the architectures the hello program is built for.
var arches = []string{"amd64", "arm64"}

// helloRecipe declares hello-<arch> for each arch: the static hello program
// run from its own rootfs, for that platform (a foreign one under qemu).
const helloRecipe = `def hello(arch):
    return run(["/hello", "/out/greeting", "x"], rootfs = local("rootfs-" + arch), output = "/out", platform = "linux/" + arch)

target("hello-amd64", hello("amd64"))
target("hello-arm64", hello("arm64"))
`

// helloBins returns a directory holding rootfs-<arch>/hello for every arch,
// built once per package run from testdata/hello.
func helloBins(tb testing.TB) string {
	tb.Helper()
	h := &suite.hello
	h.once.Do(func() { h.dir, h.err = buildHello() })
	if h.err != nil {
		tb.Fatalf("building the hello program: %v", h.err)
	}
	return h.dir
}

func buildHello() (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("the go command is needed to build the test program: %w", err)
	}
	dir, err := os.MkdirTemp("", "cairn-hello")
	if err != nil {
		return "", err
	}
	src := filepath.Join(dir, "src")
	if err := copyFile("testdata/hello/main.go", filepath.Join(src, "main.go")); err != nil {
		return dir, err
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module hello\n\ngo 1.22\n"), 0o644); err != nil {
		return dir, err
	}
	for _, arch := range arches {
		if err := goBuild(goBin, src, arch, filepath.Join(dir, "rootfs-"+arch, "hello")); err != nil {
			return dir, err
		}
	}
	return dir, nil
}

// goBuild builds the program in src as a static linux/arch binary.
func goBuild(goBin, src, arch, out string) error {
	cmd := exec.Command(goBin, "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", out, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch, "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build for %s: %w\n%s", arch, err, b)
	}
	return nil
}

// newProject returns a fresh project directory holding recipe as cairn.star
// and a copy of rootfs-<arch>/hello for every arch.
func newProject(tb testing.TB, recipe string) string {
	tb.Helper()
	bins := helloBins(tb)
	dir := tb.TempDir()
	for _, arch := range arches {
		rel := filepath.Join("rootfs-"+arch, "hello")
		if err := copyFile(filepath.Join(bins, rel), filepath.Join(dir, rel)); err != nil {
			tb.Fatal(err)
		}
	}
	writeFile(tb, filepath.Join(dir, "cairn.star"), recipe)
	return dir
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	fi, err := os.Stat(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, b, fi.Mode().Perm())
}

func writeFile(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func readFile(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// record is the part of <out>/<target>.cairn.json the tests check.
type record struct {
	Target    string   `json:"target"`
	Platforms []string `json:"platforms"`
	Epoch     int64    `json:"source_date_epoch"`
	Digest    string   `json:"digest"`
	// Sums are each file's sha256, hex, by path inside the output.
	Sums map[string]string `json:"files_sha256"`
}

func readRecord(tb testing.TB, out, target string) record {
	tb.Helper()
	var r record
	if err := json.Unmarshal([]byte(readFile(tb, filepath.Join(out, target+".cairn.json"))), &r); err != nil {
		tb.Fatalf("%s.cairn.json: %v", target, err)
	}
	return r
}

// entry is one file-system entry as the comparisons see it.
type entry struct {
	mode  fs.FileMode
	mtime int64  // seconds
	sum   string // sha256 of a file, target of a link
}

// snapshot maps every path under root (relative, slash-separated; root
// itself excluded) to its entry.
func snapshot(tb testing.TB, root string) map[string]entry {
	tb.Helper()
	m := map[string]entry{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == ".cairn-index" || rel == ".cairn-why" {
			return filepath.SkipDir // the machine's file index (inodes, ctimes) and build history, not the build's
		}
		e, err := entryOf(p)
		m[filepath.ToSlash(rel)] = e
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func entryOf(p string) (entry, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return entry{}, err
	}
	e := entry{mode: fi.Mode(), mtime: fi.ModTime().Unix()}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		e.sum, err = os.Readlink(p)
	case fi.Mode().IsRegular():
		var b []byte
		b, err = os.ReadFile(p)
		e.sum = fmt.Sprintf("%x", sha256.Sum256(b))
	}
	return e, err
}

// diffSnapshots reports every difference between two snapshots; mtimes are
// compared only when withTimes is set.
func diffSnapshots(a, b map[string]entry, withTimes bool) []string {
	var diffs []string
	for p, ea := range a {
		eb, ok := b[p]
		if !withTimes {
			ea.mtime, eb.mtime = 0, 0
		}
		switch {
		case !ok:
			diffs = append(diffs, "only in the first: "+p)
		case ea != eb:
			diffs = append(diffs, fmt.Sprintf("%s: %+v != %+v", p, ea, eb))
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			diffs = append(diffs, "only in the second: "+p)
		}
	}
	return diffs
}

// posOf returns the 1-based line and column where needle first starts in src.
func posOf(tb testing.TB, src, needle string) (line, col int) {
	tb.Helper()
	for i, l := range strings.Split(src, "\n") {
		if c := strings.Index(l, needle); c >= 0 {
			return i + 1, c + 1
		}
	}
	tb.Fatalf("%q not in the recipe", needle)
	return 0, 0
}

// tmpLeftovers lists the in-progress output directories left in out.
func tmpLeftovers(tb testing.TB, out string) []string {
	tb.Helper()
	m, err := filepath.Glob(filepath.Join(out, ".*.tmp-*"))
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// needEmulation skips tb unless this host can run linux/arch binaries
// (natively, or through an enabled binfmt_misc qemu handler).
func needEmulation(tb testing.TB, arch string) {
	tb.Helper()
	if arch == runtime.GOARCH {
		return
	}
	q := map[string]string{"arm64": "aarch64", "amd64": "x86_64"}[arch]
	b, err := os.ReadFile("/proc/sys/fs/binfmt_misc/qemu-" + q)
	if err != nil || !strings.HasPrefix(string(b), "enabled") {
		tb.Skipf("cannot run linux/%s binaries here: binfmt handler qemu-%s not enabled (run make setup)", arch, q)
	}
}
