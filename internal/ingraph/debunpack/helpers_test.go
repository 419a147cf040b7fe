package debunpack

import (
	"archive/tar"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// cacheDir is where downloaded packages are kept between test runs.
func cacheDir(t testing.TB) string {
	dir := filepath.Join(os.TempDir(), "cairn-test-cache", "debs")
	testutil.Must(t, os.MkdirAll(dir, 0o755))
	return dir
}

// download returns the path of the candidate version of a package from
// the host's apt sources, fetching it with "apt-get download" on first
// use.
func download(t testing.TB, name string) string {
	t.Helper()
	testutil.NeedTool(t, "apt-get")
	cache := cacheDir(t)
	if found, _ := filepath.Glob(filepath.Join(cache, name+"_*.deb")); len(found) > 0 {
		return found[len(found)-1]
	}
	tmp := t.TempDir()
	testutil.Run(t, tmp, "apt-get", "-q", "-o", "APT::Sandbox::User=root", "download", name)
	found, _ := filepath.Glob(filepath.Join(tmp, name+"_*.deb"))
	if len(found) != 1 {
		t.Fatalf("apt-get download %s left %q", name, found)
	}
	dst := filepath.Join(cache, filepath.Base(found[0]))
	data, err := os.ReadFile(found[0])
	testutil.Must(t, err)
	testutil.Must(t, os.WriteFile(dst+".tmp", data, 0o644))
	testutil.Must(t, os.Rename(dst+".tmp", dst))
	return dst
}

// arFile is one member of a synthetic ar archive.
type arFile struct {
	name string
	data []byte
}

// arArchive encodes members as a common ar archive, as dpkg-deb does.
func arArchive(members ...arFile) []byte {
	var b bytes.Buffer
	b.WriteString(arMagic)
	for _, m := range members {
		fmt.Fprintf(&b, "%-16s%-12d%-6d%-6d%-8s%-10d`\n", m.name, 0, 0, 0, "100644", len(m.data))
		b.Write(m.data)
		if len(m.data)%2 == 1 {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// tarEntry is one member of a synthetic tar archive.
type tarEntry struct {
	hdr  tar.Header
	data string
}

// tarball encodes entries as an uncompressed PAX tar archive.
func tarball(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		hdr := e.hdr
		hdr.Size = int64(len(e.data))
		if hdr.Format == tar.FormatUnknown {
			hdr.Format = tar.FormatPAX
		}
		testutil.Must(t, tw.WriteHeader(&hdr))
		_, err := tw.Write([]byte(e.data))
		testutil.Must(t, err)
	}
	testutil.Must(t, tw.Close())
	return b.Bytes()
}

// reg, dir and symlink build tar entries.
func reg(name, data string, mode int64) tarEntry {
	return tarEntry{tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode}, data}
}

func dir(name string, mode int64) tarEntry {
	return tarEntry{tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: mode}, ""}
}

func symlink(name, target string) tarEntry {
	return tarEntry{tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777}, ""}
}

// minimalControl is a valid control file for synthetic packages.
const minimalControl = "Package: synth\nVersion: 1.0\nArchitecture: all\nMaintainer: Nobody <nobody@example.org>\nDescription: test\n test package\n"

// syntheticDeb builds a .deb with an uncompressed control.tar holding
// control and a data.tar holding entries.
func syntheticDeb(t testing.TB, control string, entries ...tarEntry) []byte {
	t.Helper()
	ctl := tarball(t, dir("./", 0o755), reg("./control", control, 0o644))
	return arArchive(
		arFile{"debian-binary", []byte("2.0\n")},
		arFile{"control.tar", ctl},
		arFile{"data.tar", tarball(t, entries...)},
	)
}

// writeDeb stores a synthetic .deb in a temporary file.
func writeDeb(t testing.TB, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pkg.deb")
	testutil.Must(t, os.WriteFile(p, data, 0o644))
	return p
}

// readFile returns a file's content as a string.
func readFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	testutil.Must(t, err)
	return string(b)
}

// lines splits text into lines without the final empty one.
func lines(text string) []string {
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}
