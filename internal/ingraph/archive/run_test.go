package archive

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/testutil"
)

// srcTree returns a small directory to archive.
func srcTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	testutil.Must(t, os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
	testutil.Must(t, os.WriteFile(filepath.Join(dir, "bin", "sh"), []byte("#!/bin/sh\n"), 0o755))
	testutil.Must(t, os.Symlink("bin/sh", filepath.Join(dir, "init")))
	return dir
}

// tarHeaders reads the headers of a tar file.
func tarHeaders(t *testing.T, file string) []*tar.Header {
	t.Helper()
	f, err := os.Open(file)
	testutil.Must(t, err)
	defer f.Close()
	var hdrs []*tar.Header
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return hdrs
		}
		testutil.Must(t, err)
		hdrs = append(hdrs, h)
	}
}

func TestRunTarEpochAndPrefix(t *testing.T) {
	src := srcTree(t)
	out := filepath.Join(t.TempDir(), "out.tar")
	for _, seconds := range []int64{0, 123, 315532800} {
		testutil.Must(t, RunTar(request.Tar{Src: src, Out: out, Prefix: "/opt/x", Epoch: epoch.Epoch(seconds)}))
		for _, h := range tarHeaders(t, out) {
			if h.ModTime.Unix() != seconds || h.Uid != 0 || h.Gid != 0 || !strings.HasPrefix(h.Name, "opt/") {
				t.Errorf("epoch %d: entry %s mtime %d owner %d:%d", seconds, h.Name, h.ModTime.Unix(), h.Uid, h.Gid)
			}
		}
	}
}

func TestRunCpioMatchesLibrary(t *testing.T) {
	src := srcTree(t)
	out := filepath.Join(t.TempDir(), "initramfs.cpio")
	testutil.Must(t, RunCpio(request.Cpio{Src: src, Out: out, Epoch: 99}))
	var want bytes.Buffer
	testutil.Must(t, WriteCpio(&want, src, Reproducible(99)))
	got, err := os.ReadFile(out)
	testutil.Must(t, err)
	if !bytes.Equal(got, want.Bytes()) {
		t.Error("RunCpio output differs from WriteCpio")
	}
	if _, err := os.Stat(out + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file left behind: %v", err)
	}
}

func TestRunFailures(t *testing.T) {
	src := srcTree(t)
	dir := t.TempDir()
	for name, req := range map[string]request.Cpio{
		"missing source":  {Src: filepath.Join(src, "nope"), Out: filepath.Join(dir, "out.cpio")},
		"missing out dir": {Src: src, Out: filepath.Join(dir, "no", "out.cpio")},
	} {
		if err := RunCpio(req); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed runs left files behind: %v", entries)
	}
}

func TestRunFailureKeepsOldOutput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.tar")
	testutil.Must(t, os.WriteFile(out, []byte("old"), 0o644))
	if err := RunTar(request.Tar{Src: filepath.Join(t.TempDir(), "nope"), Out: out}); err == nil {
		t.Fatal("missing source: no error")
	}
	if b, _ := os.ReadFile(out); string(b) != "old" {
		t.Errorf("output replaced by a failed run: %q", b)
	}
	if _, err := os.Stat(out + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file left behind: %v", err)
	}
}
