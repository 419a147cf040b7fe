package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
)

// result is what one in-process run produced.
type result struct {
	code           int
	stdout, stderr string
}

// runWith runs the helper in-process with the given environment.
func runWith(vars map[string]string, args ...string) result {
	var stdout, stderr bytes.Buffer
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	code := run(args, env{stdout: &stdout, lookup: lookup}, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// srcTree returns a small directory to archive.
func srcTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "bin", "sh"), []byte("#!/bin/sh\n"), 0o755))
	must(t, os.Symlink("bin/sh", filepath.Join(dir, "init")))
	return dir
}

// must fails the test on error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestVersion(t *testing.T) {
	r := runWith(nil, "version")
	if r.code != 0 || r.stdout != version+"\n" || r.stderr != "" {
		t.Errorf("version: %+v", r)
	}
}

func TestHelp(t *testing.T) {
	r := runWith(nil, "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "cairn-helper tar [--epoch N] [--prefix P] [--keep-owners] SRC_DIR OUT_FILE") {
		t.Errorf("help: %+v", r)
	}
}

func TestUsageErrors(t *testing.T) {
	src := srcTree(t)
	out := filepath.Join(t.TempDir(), "out.tar")
	for _, args := range [][]string{
		{},
		{"zip", src, out},
		{"tar", src},
		{"tar", src, out, "extra"},
		{"tar", "--epoch", "soon", src, out},
		{"tar", "--epoch=-5", src, out},
		{"cpio", "--prefix", "x", src, out},
		{"version", "now"},
		{"tar", src, filepath.Join(src, "out.tar")},
	} {
		r := runWith(nil, args...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, "cairn-helper: ") || !strings.Contains(r.stderr, "usage:") {
			t.Errorf("%q: %+v, want exit 2 with usage", args, r)
		}
	}
}

func TestFailures(t *testing.T) {
	src := srcTree(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "out.cpio")
	for name, tc := range map[string]struct {
		vars map[string]string
		args []string
	}{
		"bad env epoch":   {map[string]string{"SOURCE_DATE_EPOCH": "yesterday"}, []string{"cpio", src, out}},
		"missing source":  {nil, []string{"cpio", filepath.Join(src, "nope"), out}},
		"missing out dir": {nil, []string{"cpio", src, filepath.Join(dir, "no", "out.cpio")}},
	} {
		r := runWith(tc.vars, tc.args...)
		if r.code != 1 || !strings.HasPrefix(r.stderr, "cairn-helper: ") || strings.Contains(r.stderr, "usage:") {
			t.Errorf("%s: %+v, want exit 1 without usage", name, r)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed runs left files behind: %v", entries)
	}
}

func TestFailureKeepsOldOutput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.tar")
	must(t, os.WriteFile(out, []byte("old"), 0o644))
	if r := runWith(nil, "tar", filepath.Join(t.TempDir(), "nope"), out); r.code != 1 {
		t.Fatalf("missing source: %+v", r)
	}
	if b, _ := os.ReadFile(out); string(b) != "old" {
		t.Errorf("output replaced by a failed run: %q", b)
	}
	if _, err := os.Stat(out + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file left behind: %v", err)
	}
}

// tarHeaders reads the headers of a tar file.
func tarHeaders(t *testing.T, file string) []*tar.Header {
	t.Helper()
	f, err := os.Open(file)
	must(t, err)
	defer f.Close()
	var hdrs []*tar.Header
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return hdrs
		}
		must(t, err)
		hdrs = append(hdrs, h)
	}
}

func TestTarEpochAndPrefix(t *testing.T) {
	src := srcTree(t)
	out := filepath.Join(t.TempDir(), "out.tar")
	for _, tc := range []struct {
		vars  map[string]string
		args  []string
		epoch int64
	}{
		{nil, nil, 0},
		{map[string]string{"SOURCE_DATE_EPOCH": ""}, nil, 0},
		{map[string]string{"SOURCE_DATE_EPOCH": "123"}, nil, 123},
		{map[string]string{"SOURCE_DATE_EPOCH": "junk"}, []string{"--epoch", "456"}, 456},
	} {
		args := append(append([]string{"tar", "--prefix", "/opt/x"}, tc.args...), src, out)
		if r := runWith(tc.vars, args...); r.code != 0 {
			t.Fatalf("%q: %+v", args, r)
		}
		for _, h := range tarHeaders(t, out) {
			if h.ModTime.Unix() != tc.epoch || h.Uid != 0 || h.Gid != 0 || !strings.HasPrefix(h.Name, "opt/") {
				t.Errorf("%q: entry %s mtime %d owner %d:%d", args, h.Name, h.ModTime.Unix(), h.Uid, h.Gid)
			}
		}
	}
}

func TestCpioMatchesLibrary(t *testing.T) {
	src := srcTree(t)
	out := filepath.Join(t.TempDir(), "initramfs.cpio")
	if r := runWith(map[string]string{"SOURCE_DATE_EPOCH": "99"}, "cpio", src, out); r.code != 0 {
		t.Fatalf("cpio: %+v", r)
	}
	var want bytes.Buffer
	must(t, archive.WriteCpio(&want, src, archive.Reproducible(99)))
	got, err := os.ReadFile(out)
	must(t, err)
	if !bytes.Equal(got, want.Bytes()) {
		t.Error("helper output differs from archive.WriteCpio")
	}
	if _, err := os.Stat(out + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file left behind: %v", err)
	}
}
