package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/testutil"
)

// result is what one in-process run produced.
type result struct {
	code           int
	stdout, stderr string
}

// runArgs runs the helper in-process.
func runArgs(args ...string) result {
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// runRequest runs the helper on the command line cairn's compiler writes
// for r.
func runRequest(t testing.TB, r request.Request) result {
	t.Helper()
	args, err := request.Args("/cairn-helper", r)
	testutil.Must(t, err)
	return runArgs(args[1:]...)
}

// srcTree returns a small directory to archive.
func srcTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	testutil.Must(t, os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
	testutil.Must(t, os.WriteFile(filepath.Join(dir, "bin", "sh"), []byte("#!/bin/sh\n"), 0o755))
	testutil.Must(t, os.Symlink("bin/sh", filepath.Join(dir, "init")))
	return dir
}

func TestVersion(t *testing.T) {
	r := runArgs("version")
	if r.code != 0 || r.stdout != version+"\n" || r.stderr != "" {
		t.Errorf("version: %+v", r)
	}
}

func TestHelp(t *testing.T) {
	r := runArgs("--help")
	if r.code != 0 || !strings.Contains(r.stdout, "cairn-helper COMMAND --request JSON") {
		t.Errorf("help: %+v", r)
	}
	for _, c := range commands() {
		if !strings.Contains(r.stdout, "\n  "+c.name+" ") {
			t.Errorf("help does not list %s:\n%s", c.name, r.stdout)
		}
	}
}

// TestContract runs a request of each kind that needs no tools through
// the command line request.Args writes: the helper reads exactly what the
// compiler writes.
func TestContract(t *testing.T) {
	src := srcTree(t)
	dir := t.TempDir()
	tarFile := filepath.Join(dir, "a.tar")
	if r := runRequest(t, request.Tar{Src: src, Out: tarFile, Epoch: 42, Prefix: "opt"}); r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("tar: %+v", r)
	}
	var want bytes.Buffer
	opts := archive.Reproducible(42)
	opts.Prefix = "opt"
	testutil.Must(t, archive.WriteTar(&want, src, opts))
	if got, _ := os.ReadFile(tarFile); !bytes.Equal(got, want.Bytes()) {
		t.Error("helper tar differs from archive.WriteTar")
	}
	fat := filepath.Join(dir, "fat.img")
	r := runRequest(t, request.Mkfs{Src: src, Out: fat, Epoch: 42, Type: "fat", Label: "EFI"})
	var res struct{ Type, UUID, Label string }
	if r.code != 0 || r.stderr != "" || strings.Count(r.stdout, "\n") != 1 || json.Unmarshal([]byte(r.stdout), &res) != nil || res.Type != "fat12" || res.Label != "EFI" {
		t.Fatalf("mkfs: %+v", r)
	}
	disk := request.Disk{Name: "d", Table: request.MBR, Partitions: []request.Partition{{Name: "p", Type: "fat32", Image: fat}}, Out: filepath.Join(dir, "disk")}
	r = runRequest(t, disk)
	if r.code != 0 || r.stderr != "" || !strings.HasPrefix(r.stdout, `{"name":"d","table":"mbr"`) || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("disk: %+v", r)
	}
}

func TestUsageErrors(t *testing.T) {
	src := srcTree(t)
	out := filepath.Join(t.TempDir(), "out.tar")
	good := `{"src":"` + src + `","out":"` + out + `","epoch":1}`
	for _, args := range [][]string{
		{},
		{"zip", "--request", good},
		{"tar"},
		{"tar", "--request"},
		{"tar", "--request", good, "extra"},
		{"tar", "--bogus", good},
		{"tar", good},
		{"tar", "--request", "{"},
		{"tar", "--request", `{"src":"` + src + `","out":"` + out + `","epoch":1,"compress":"xz"}`},
		{"tar", "--request", `{"src":"` + src + `","out":"` + src + `/out.tar","epoch":1}`},
		{"tar", "--request", `{"src":"` + src + `","out":"` + out + `","epoch":-5}`},
		{"mkfs", "--request", `{"src":"` + src + `","out":"` + out + `","type":"zfs"}`},
		{"disk", "--request", `{"name":"d","table":"gpt","disk":1,"out":"/o"}`},
		{"version", "now"},
	} {
		r := runArgs(args...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, "cairn-helper: ") || !strings.Contains(r.stderr, "usage:") {
			t.Errorf("%q: %+v, want exit 2 with usage", args, r)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
		t.Errorf("usage errors left files behind: %v", entries)
	}
}

func TestFailures(t *testing.T) {
	src := srcTree(t)
	dir := t.TempDir()
	for name, tc := range map[string]struct {
		req  request.Request
		want string
	}{
		"missing source":  {request.Cpio{Src: filepath.Join(src, "nope"), Out: filepath.Join(dir, "out.cpio")}, "cairn-helper: cpio: "},
		"missing out dir": {request.Tar{Src: src, Out: filepath.Join(dir, "no", "out.tar")}, "cairn-helper: tar: "},
		"missing kernel":  {request.Kmods{Root: filepath.Join(dir, "nope"), Out: filepath.Join(dir, "k"), Modules: []string{"ext4"}}, "cairn-helper: kmods: "},
	} {
		r := runRequest(t, tc.req)
		if r.code != 1 || !strings.HasPrefix(r.stderr, tc.want) || strings.Contains(r.stderr, "usage:") {
			t.Errorf("%s: %+v, want exit 1 without usage", name, r)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed runs left files behind: %v", entries)
	}
}

// TestEpochFromEnvironment: a request written by hand without an epoch
// takes SOURCE_DATE_EPOCH; a bad one is a usage error.
func TestEpochFromEnvironment(t *testing.T) {
	src := srcTree(t)
	out := filepath.Join(t.TempDir(), "out.cpio")
	doc := `{"src":"` + src + `","out":"` + out + `"}`
	t.Setenv("SOURCE_DATE_EPOCH", "99")
	if r := runArgs("cpio", "--request", doc); r.code != 0 {
		t.Fatalf("cpio: %+v", r)
	}
	var want bytes.Buffer
	testutil.Must(t, archive.WriteCpio(&want, src, archive.Reproducible(99)))
	if got, _ := os.ReadFile(out); !bytes.Equal(got, want.Bytes()) {
		t.Error("cpio without an epoch does not use SOURCE_DATE_EPOCH")
	}
	t.Setenv("SOURCE_DATE_EPOCH", "yesterday")
	if r := runArgs("cpio", "--request", doc); r.code != 2 || !strings.Contains(r.stderr, "SOURCE_DATE_EPOCH") {
		t.Errorf("bad SOURCE_DATE_EPOCH: %+v", r)
	}
}
