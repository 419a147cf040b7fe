package main

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/ocilayout"
)

// tinyDeb builds a package with dpkg-deb holding usr/bin/hello and
// bin/tool.
func tinyDeb(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("dpkg-deb not found")
	}
	tree := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(tree, "DEBIAN"), 0o755))
	must(t, os.MkdirAll(filepath.Join(tree, "bin"), 0o755))
	control := "Package: tiny\nVersion: 1\nArchitecture: all\nMaintainer: N <n@example.org>\nDescription: tiny\n"
	must(t, os.WriteFile(filepath.Join(tree, "DEBIAN", "control"), []byte(control), 0o644))
	must(t, os.WriteFile(filepath.Join(tree, "bin", "tool"), []byte("tool\n"), 0o755))
	deb := filepath.Join(t.TempDir(), "tiny.deb")
	if out, err := exec.Command("dpkg-deb", "--root-owner-group", "--build", tree, deb).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb: %v\n%s", err, out)
	}
	return deb
}

func TestDebUnpack(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	deb := tinyDeb(t)
	out := filepath.Join(t.TempDir(), "layer")
	r := runWith(map[string]string{"SOURCE_DATE_EPOCH": "77"}, "deb-unpack", "--merged-usr", "--arch", "arm64", deb, out)
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("deb-unpack: %+v", r)
	}
	for _, rel := range []string{"usr/bin/tool", "var/lib/dpkg/info/tiny.list", "var/lib/dpkg/cairn-status/tiny"} {
		fi, err := os.Lstat(filepath.Join(out, rel))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
		} else if strings.HasPrefix(rel, "var") && fi.ModTime().Unix() != 77 {
			t.Errorf("%s: mtime %v, want 77", rel, fi.ModTime().Unix())
		}
	}
	if _, err := os.Lstat(filepath.Join(out, "bin")); err == nil {
		t.Error("--merged-usr left bin/")
	}
}

func TestDebUnpackErrors(t *testing.T) {
	dir := t.TempDir()
	notDeb := filepath.Join(dir, "not.deb")
	must(t, os.WriteFile(notDeb, []byte("hello"), 0o644))
	for _, tc := range []struct {
		code int
		args []string
	}{
		{2, []string{"deb-unpack"}},
		{2, []string{"deb-unpack", notDeb}},
		{2, []string{"deb-unpack", "--arch"}},
		{2, []string{"deb-unpack", "--bogus", notDeb, dir}},
		{2, []string{"deb-unpack", "--epoch", "soon", notDeb, dir}},
		{1, []string{"deb-unpack", filepath.Join(dir, "missing.deb"), filepath.Join(dir, "a")}},
		{1, []string{"deb-unpack", notDeb, filepath.Join(dir, "b")}},
	} {
		r := runWith(nil, tc.args...)
		if r.code != tc.code || !strings.HasPrefix(r.stderr, "cairn-helper: ") {
			t.Errorf("%q: %+v, want exit %d", tc.args, r, tc.code)
		}
	}
}

func TestOCI(t *testing.T) {
	src := srcTree(t)
	sbom := filepath.Join(t.TempDir(), "sbom.json")
	must(t, os.WriteFile(sbom, []byte(`{"spdxVersion":"SPDX-2.3"}`), 0o644))
	out := filepath.Join(t.TempDir(), "layout")
	r := runWith(map[string]string{"SOURCE_DATE_EPOCH": "5"},
		"oci", "--out", out, "--sbom", sbom, "--ref", "demo:1", "linux/amd64="+src, "linux/arm/v7="+src)
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("oci: %+v", r)
	}
	want := filepath.Join(t.TempDir(), "layout")
	images := []ocilayout.Image{
		{Platform: ocilayout.Platform{OS: "linux", Architecture: "amd64"}, Rootfs: src},
		{Platform: ocilayout.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}, Rootfs: src},
	}
	must(t, ocilayout.Write(want, images, ocilayout.Options{Epoch: 5, Ref: "demo:1", SBOM: []byte(`{"spdxVersion":"SPDX-2.3"}`)}))
	if a, b := dirContents(t, out), dirContents(t, want); a != b {
		t.Errorf("helper output differs from ocilayout.Write:\n%s\nwant:\n%s", a, b)
	}
}

// dirContents lists every file below root with its content.
func dirContents(t *testing.T, root string) string {
	t.Helper()
	var b bytes.Buffer
	must(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		b.WriteString(rel + " " + string(bytes.ToValidUTF8(data, []byte("?"))) + "\n")
		return err
	}))
	return b.String()
}

func TestOCIErrors(t *testing.T) {
	src := srcTree(t)
	full := t.TempDir()
	must(t, os.WriteFile(filepath.Join(full, "x"), nil, 0o644))
	fresh := func() string { return filepath.Join(t.TempDir(), "layout") }
	for _, tc := range []struct {
		code int
		args []string
	}{
		{2, []string{"oci"}},
		{2, []string{"oci", "--out", fresh()}},
		{2, []string{"oci", "linux/amd64=" + src}},
		{2, []string{"oci", "--out", fresh(), "linux=" + src}},
		{2, []string{"oci", "--out", fresh(), "linux/amd64"}},
		{2, []string{"oci", "--out", fresh(), "--epoch", "x", "linux/amd64=" + src}},
		{1, []string{"oci", "--out", full, "linux/amd64=" + src}},
		{1, []string{"oci", "--out", fresh(), "--sbom", filepath.Join(full, "nope"), "linux/amd64=" + src}},
		{1, []string{"oci", "--out", fresh(), "--ref", "-bad", "linux/amd64=" + src}},
		{1, []string{"oci", "--out", fresh(), "linux/amd64=" + src, "linux/amd64=" + src}},
	} {
		r := runWith(nil, tc.args...)
		if r.code != tc.code || !strings.HasPrefix(r.stderr, "cairn-helper: ") {
			t.Errorf("%q: %+v, want exit %d", tc.args, r, tc.code)
		}
	}
}
