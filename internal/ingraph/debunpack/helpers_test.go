package debunpack

import (
	"archive/tar"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// must fails the test on error.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// needRoot skips tests that write foreign owners and devices.
func needRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

// needTool skips when a command is missing.
func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not found", name)
	}
}

// output runs a command and returns its standard output.
func output(t testing.TB, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, stderr.String())
	}
	return string(out)
}

// cacheDir is where downloaded packages are kept between test runs.
func cacheDir(t testing.TB) string {
	dir := filepath.Join(os.TempDir(), "cairn-test-cache", "debs")
	must(t, os.MkdirAll(dir, 0o755))
	return dir
}

// download returns the path of the candidate version of a package from
// the host's apt sources, fetching it with "apt-get download" on first
// use.
func download(t testing.TB, name string) string {
	t.Helper()
	needTool(t, "apt-get")
	cache := cacheDir(t)
	if found, _ := filepath.Glob(filepath.Join(cache, name+"_*.deb")); len(found) > 0 {
		return found[len(found)-1]
	}
	tmp := t.TempDir()
	output(t, tmp, "apt-get", "-q", "-o", "APT::Sandbox::User=root", "download", name)
	found, _ := filepath.Glob(filepath.Join(tmp, name+"_*.deb"))
	if len(found) != 1 {
		t.Fatalf("apt-get download %s left %q", name, found)
	}
	dst := filepath.Join(cache, filepath.Base(found[0]))
	data, err := os.ReadFile(found[0])
	must(t, err)
	must(t, os.WriteFile(dst+".tmp", data, 0o644))
	must(t, os.Rename(dst+".tmp", dst))
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
		must(t, tw.WriteHeader(&hdr))
		_, err := tw.Write([]byte(e.data))
		must(t, err)
	}
	must(t, tw.Close())
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
	must(t, os.WriteFile(p, data, 0o644))
	return p
}

// readFile returns a file's content as a string.
func readFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	must(t, err)
	return string(b)
}

// lines splits text into lines without the final empty one.
func lines(text string) []string {
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}
