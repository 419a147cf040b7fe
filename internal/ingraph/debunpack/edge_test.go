package debunpack

import (
	"archive/tar"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
	"golang.org/x/sys/unix"
)

// unpackBytes unpacks a synthetic .deb into a fresh directory below a
// fresh parent and returns the directory.
func unpackBytes(t *testing.T, deb []byte, opts Options) (string, error) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	_, err := UnpackFile(writeDeb(t, deb), out, opts)
	return out, err
}

func TestXattrs(t *testing.T) {
	testutil.NeedRoot(t)
	file := reg("./etc/x", "data", 0o644)
	file.hdr.PAXRecords = map[string]string{"SCHILY.xattr.user.cairn": "hello", "SCHILY.xattr.user.empty": ""}
	deb := syntheticDeb(t, minimalControl, dir("./", 0o755), dir("./etc/", 0o755), file)
	out, err := unpackBytes(t, deb, Options{})
	if errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EOPNOTSUPP) {
		t.Skip("no user xattrs on this file system")
	}
	testutil.Must(t, err)
	buf := make([]byte, 64)
	n, err := unix.Lgetxattr(filepath.Join(out, "etc/x"), "user.cairn", buf)
	if err != nil || string(buf[:n]) != "hello" {
		t.Errorf("user.cairn = %q, %v", buf[:n], err)
	}
	if _, err := unix.Lgetxattr(filepath.Join(out, "etc/x"), "user.empty", buf); err != nil {
		t.Errorf("user.empty: %v", err)
	}
}

func TestUnsafePaths(t *testing.T) {
	testutil.NeedRoot(t)
	victim := t.TempDir()
	for name, entries := range map[string][]tarEntry{
		"dotdot":            {reg("../evil", "x", 0o644)},
		"inner dotdot":      {dir("./a/", 0o755), reg("./a/../../evil", "x", 0o644)},
		"absolute symlink":  {symlink("./link", victim), reg("./link/evil", "x", 0o644)},
		"relative symlink":  {symlink("./link", "../../../../../../.."+victim), reg("./link/evil", "x", 0o644)},
		"link via symlink":  {symlink("./link", victim), reg("./f", "x", 0o644), {tar.Header{Typeflag: tar.TypeLink, Name: "./link/evil", Linkname: "./f"}, ""}},
		"hard link escapes": {{tar.Header{Typeflag: tar.TypeLink, Name: "./h", Linkname: "../../etc/passwd"}, ""}},
		"hard link missing": {{tar.Header{Typeflag: tar.TypeLink, Name: "./h", Linkname: "./nothing"}, ""}},
		"hard link to dir":  {dir("./d/", 0o755), {tar.Header{Typeflag: tar.TypeLink, Name: "./h", Linkname: "./d"}, ""}},
		"replace full dir":  {dir("./d/", 0o755), reg("./d/f", "x", 0o644), reg("./d", "x", 0o644)},
	} {
		out, err := unpackBytes(t, syntheticDeb(t, minimalControl, entries...), Options{})
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		if found, _ := os.ReadDir(victim); len(found) > 0 {
			t.Fatalf("%s: wrote %s outside the output directory", name, found[0].Name())
		}
		if found, _ := os.ReadDir(filepath.Dir(out)); len(found) > 1 {
			t.Errorf("%s: wrote next to the output directory", name)
		}
	}
}

func TestReplaceAndMerge(t *testing.T) {
	testutil.NeedRoot(t)
	deb := syntheticDeb(t, minimalControl,
		dir("./", 0o755), reg("./x", "file", 0o644), dir("./x/", 0o700),
		symlink("./lib64", "usr/lib64"), dir("./bin/", 0o755), reg("./bin/sh", "sh", 0o755),
		symlink("./bin/link", "/bin/sh"),
		tarEntry{tar.Header{Typeflag: tar.TypeLink, Name: "./sbin/hard", Linkname: "./bin/sh"}, ""},
	)
	out, err := unpackBytes(t, deb, Options{MergedUsr: true, Epoch: 5})
	testutil.Must(t, err)
	want := map[string]string{
		"x": "drwx------", "usr": "drwxr-xr-x", "usr/bin": "drwxr-xr-x", "usr/bin/sh": "-rwxr-xr-x",
		"usr/bin/link": "Lrwxrwxrwx", "usr/sbin": "drwxr-xr-x", "usr/sbin/hard": "-rwxr-xr-x",
	}
	got := snapshot(t, out)
	for rel, mode := range want {
		if got[rel].mode.String() != mode {
			t.Errorf("%s: mode %v, want %s", rel, got[rel].mode, mode)
		}
	}
	if got["usr/bin/link"].link != "/bin/sh" || got["usr/sbin/hard"].nlink != 2 {
		t.Errorf("links: %v %v", got["usr/bin/link"], got["usr/sbin/hard"])
	}
	for _, rel := range []string{"lib64", "bin", "sbin", "usr/lib64"} {
		if _, ok := got[rel]; ok {
			t.Errorf("%s exists", rel)
		}
	}
	if got["usr"].mtime != 5e9 || describe(t, out).mtime != 5e9 {
		t.Errorf("generated directories have mtimes %d and %d, want 5e9", got["usr"].mtime, describe(t, out).mtime)
	}
	list := readFile(t, filepath.Join(out, infoDir, "synth.list"))
	if want := "/.\n/x\n/x\n/lib64\n/bin\n/bin/sh\n/bin/link\n/sbin/hard\n"; list != want {
		t.Errorf("list %q, want %q", list, want)
	}
}

func TestMalformedDebs(t *testing.T) {
	ctl := arFile{"control.tar", tarball(t, reg("./control", minimalControl, 0o644))}
	data := arFile{"data.tar", tarball(t, dir("./", 0o755))}
	version := arFile{"debian-binary", []byte("2.0\n")}
	badCtl := func(control string) arFile {
		return arFile{"control.tar", tarball(t, reg("./control", control, 0o644))}
	}
	for name, deb := range map[string][]byte{
		"empty":            nil,
		"not ar":           []byte("PK\x03\x04 not an ar archive at all"),
		"no members":       arArchive(),
		"no version":       arArchive(ctl, data),
		"version 3":        arArchive(arFile{"debian-binary", []byte("3.0\n")}, ctl, data),
		"no newline":       arArchive(arFile{"debian-binary", []byte("2.0")}, ctl, data),
		"data first":       arArchive(version, data, ctl),
		"no data":          arArchive(version, ctl),
		"unknown member":   arArchive(version, arFile{"extra", nil}, ctl, data),
		"lzma data":        arArchive(version, ctl, arFile{"data.tar.lzma", nil}),
		"bz2 control":      arArchive(version, arFile{"control.tar.bz2", nil}, data),
		"bad gzip":         arArchive(version, ctl, arFile{"data.tar.gz", []byte("not gzip")}),
		"no control file":  arArchive(version, arFile{"control.tar", tarball(t, reg("./postinst", "", 0o755))}, data),
		"control subdir":   arArchive(version, arFile{"control.tar", tarball(t, reg("./sub/control", "", 0o644))}, data),
		"bad name":         arArchive(version, badCtl(strings.Replace(minimalControl, "synth", "../evil", 1)), data),
		"no version field": arArchive(version, badCtl(strings.Replace(minimalControl, "Version: 1.0\n", "", 1)), data),
		"two paragraphs":   arArchive(version, badCtl(minimalControl+"\nPackage: other\n"), data),
		"bad conffiles": arArchive(version, arFile{"control.tar", tarball(t,
			reg("./control", minimalControl, 0o644), reg("./conffiles", "etc/relative\n", 0o644))}, data),
	} {
		_, err := unpackBytes(t, deb, Options{})
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: error %v, want ErrFormat", name, err)
		}
	}
}

func TestIgnoredMembers(t *testing.T) {
	testutil.NeedRoot(t)
	ctl := tarball(t, dir("./", 0o755), reg("./control", minimalControl, 0o644),
		reg("./postinst", "#!/bin/sh\n", 0o755), reg("./postinst.dpkg-old", "", 0o644), reg("./list", "x", 0o644))
	deb := arArchive(arFile{"debian-binary", []byte("2.0\n")}, arFile{"_gpgorigin", []byte("sig")},
		arFile{"control.tar", ctl}, arFile{"_extra", nil}, arFile{"data.tar", tarball(t, dir("./", 0o755))})
	out, err := unpackBytes(t, deb, Options{})
	testutil.Must(t, err)
	entries, err := os.ReadDir(filepath.Join(out, infoDir))
	testutil.Must(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "synth.list synth.postinst" {
		t.Errorf("info files %q", names)
	}
}

func TestDamagedRealDeb(t *testing.T) {
	testutil.NeedRoot(t)
	data, err := os.ReadFile(download(t, "bash"))
	testutil.Must(t, err)
	cuts := []int{0, 7, 8, 60, 68, 100, 200, 1000, len(data) / 2, len(data) - 3}
	for _, n := range cuts {
		if _, err := unpackBytes(t, data[:n], Options{}); !errors.Is(err, ErrFormat) {
			t.Errorf("truncated to %d bytes: error %v, want ErrFormat", n, err)
		}
	}
	for _, at := range []int{len(data) / 3, len(data) / 2, len(data) - 100} {
		tampered := append([]byte(nil), data...)
		tampered[at] ^= 0x55
		if _, err := unpackBytes(t, tampered, Options{}); !errors.Is(err, ErrFormat) {
			t.Errorf("byte %d flipped: error %v, want ErrFormat", at, err)
		}
	}
}

func TestDeterministic(t *testing.T) {
	testutil.NeedRoot(t)
	deb := download(t, "base-files")
	var snaps []map[string]node
	for range 2 {
		out := filepath.Join(t.TempDir(), "out")
		_, err := UnpackFile(deb, out, Options{MergedUsr: true, Epoch: 42})
		testutil.Must(t, err)
		snap := snapshot(t, out)
		for rel, n := range snap {
			n.ino = 0
			snap[rel] = n
		}
		snap["."] = describe(t, out)
		snap["."] = node{mode: snap["."].mode, mtime: snap["."].mtime}
		snaps = append(snaps, snap)
	}
	if len(snaps[0]) != len(snaps[1]) {
		t.Fatalf("two unpacks differ in size: %d and %d files", len(snaps[0]), len(snaps[1]))
	}
	for rel, n := range snaps[0] {
		if snaps[1][rel] != n {
			t.Errorf("%s differs: %v and %v", rel, n, snaps[1][rel])
		}
	}
	if snaps[0]["."].mtime != 42e9 || snaps[0][statusDir].mtime != 42e9 {
		t.Errorf("generated mtimes: root %d, %s %d", snaps[0]["."].mtime, statusDir, snaps[0][statusDir].mtime)
	}
}

func TestArchOption(t *testing.T) {
	testutil.NeedRoot(t)
	deb := syntheticDeb(t, minimalControl, dir("./", 0o755))
	for _, arch := range []string{"amd64", "arm64"} {
		if _, err := unpackBytes(t, deb, Options{Arch: arch}); err != nil {
			t.Errorf("Architecture: all with --arch %s: %v", arch, err)
		}
	}
	if _, err := unpackBytes(t, deb, Options{Arch: "../x"}); err == nil {
		t.Error("invalid --arch accepted")
	}
}
