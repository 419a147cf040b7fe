package debunpack

import (
	"crypto/md5"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// synthControl is the control file of the package built with dpkg-deb.
const synthControl = `Package: cairn-synth
Version: 1:2.0-1
Architecture: amd64
Multi-Arch: same
Maintainer: Nobody <nobody@example.org>
Installed-Size: 12
Depends: libc6 (>= 2.36) | libc6.1, base-files
Homepage: https://example.org/synth
Description: synthetic package
 Exercises every file type dpkg can unpack.
 .
 Second paragraph.
`

// synthTree builds a package tree with every file type, unusual owners
// and modes, hard links (one pair below bin/), and control members.
func synthTree(t *testing.T) string {
	root := t.TempDir()
	p := func(rel string) string { return filepath.Join(root, rel) }
	for _, d := range []string{"DEBIAN", "etc", "bin", "usr/bin", "usr/share/synth", "dev", "var/tmp"} {
		testutil.Must(t, os.MkdirAll(p(d), 0o755))
	}
	files := map[string]string{
		"DEBIAN/control":        synthControl,
		"DEBIAN/conffiles":      "/etc/synth.conf\nremove-on-upgrade /etc/synth-old.conf\n",
		"DEBIAN/postinst":       "#!/bin/sh\nexit 0\n",
		"DEBIAN/triggers":       "interest-noawait /usr/share/synth\n",
		"etc/synth.conf":        "key = value\n",
		"bin/tool":              "#!/bin/sh\necho tool\n",
		"usr/bin/owned":         "owned by 1000:1001\n",
		"usr/share/synth/empty": "",
	}
	for rel, data := range files {
		testutil.Must(t, os.WriteFile(p(rel), []byte(data), 0o644))
	}
	testutil.Must(t, os.Chmod(p("DEBIAN/postinst"), 0o755))
	testutil.Must(t, os.Chmod(p("bin/tool"), 0o4755))
	testutil.Must(t, os.Link(p("bin/tool"), p("bin/tool-link")))
	testutil.Must(t, os.Link(p("bin/tool"), p("usr/bin/tool-link2")))
	testutil.Must(t, os.Chown(p("usr/bin/owned"), 1000, 1001))
	testutil.Must(t, os.Chmod(p("usr/bin/owned"), 0o2640))
	testutil.Must(t, os.Chmod(p("var/tmp"), 0o1777))
	testutil.Must(t, os.Mkdir(p("usr/share/synth/group"), 0o755))
	testutil.Must(t, os.Chown(p("usr/share/synth/group"), 0, 1234))
	testutil.Must(t, os.Chmod(p("usr/share/synth/group"), 0o2775))
	testutil.Must(t, os.Symlink("../../bin/tool", p("usr/bin/relative")))
	testutil.Must(t, os.Symlink("/bin/tool", p("usr/bin/absolute")))
	testutil.Must(t, syscall.Mknod(p("dev/null"), syscall.S_IFCHR|0o666, 1<<8|3))
	testutil.Must(t, syscall.Mknod(p("dev/loop0"), syscall.S_IFBLK|0o660, 7<<8|0))
	testutil.Must(t, syscall.Mkfifo(p("dev/fifo"), 0o600))
	testutil.Must(t, os.Chmod(p("dev/null"), 0o666))
	return root
}

func TestDpkgDebCompressions(t *testing.T) {
	testutil.NeedRoot(t)
	testutil.NeedTool(t, "dpkg-deb")
	tree := synthTree(t)
	for _, z := range []string{"zstd", "gzip", "xz", "none"} {
		t.Run(z, func(t *testing.T) {
			deb := filepath.Join(t.TempDir(), "synth.deb")
			testutil.Run(t, "", "dpkg-deb", "--nocheck", "-Z"+z, "--build", tree, deb)
			member := memberNames(t, deb)[2]
			if want := map[string]string{"zstd": ".zst", "gzip": ".gz", "xz": ".xz", "none": ""}[z]; member != "data.tar"+want {
				t.Fatalf("dpkg-deb -Z%s wrote %s", z, member)
			}
			ref := t.TempDir()
			testutil.Run(t, "", "dpkg-deb", "-x", deb, ref)
			for _, merged := range []bool{false, true} {
				checkUnpack(t, deb, ref, merged)
			}
			checkSynthStatus(t, deb)
		})
	}
}

// checkSynthStatus checks the parts of the status entry a real package
// does not exercise.
func checkSynthStatus(t *testing.T, deb string) {
	out := t.TempDir()
	pkg, err := UnpackFile(deb, out, Options{Arch: "amd64"})
	testutil.Must(t, err)
	if pkg.ID() != "cairn-synth:amd64" {
		t.Errorf("ID %q", pkg.ID())
	}
	got := readFile(t, filepath.Join(out, statusDir, "cairn-synth:amd64"))
	want := `Package: cairn-synth
Status: install ok unpacked
Installed-Size: 12
Maintainer: Nobody <nobody@example.org>
Architecture: amd64
Multi-Arch: same
Version: 1:2.0-1
Depends: libc6 (>= 2.36) | libc6.1, base-files
Conffiles:
 /etc/synth.conf CONFSUM
 /etc/synth-old.conf newconffile remove-on-upgrade
Description: synthetic package
 Exercises every file type dpkg can unpack.
 .
 Second paragraph.
Homepage: https://example.org/synth

`
	sum := md5.Sum([]byte("key = value\n"))
	want = strings.Replace(want, "CONFSUM", hex.EncodeToString(sum[:]), 1)
	if got != want {
		t.Errorf("status entry:\n%s\nwant:\n%s", got, want)
	}
	if _, err := UnpackFile(deb, t.TempDir(), Options{Arch: "arm64"}); err == nil || !strings.Contains(err.Error(), "not arm64") {
		t.Errorf("--arch arm64 on an amd64 package: %v", err)
	}
}

// memberNames lists the members of an ar archive.
func memberNames(t *testing.T, file string) []string {
	f, err := os.Open(file)
	testutil.Must(t, err)
	defer f.Close()
	ar, err := newArReader(f)
	testutil.Must(t, err)
	var names []string
	for {
		m, err := ar.Next()
		if err == io.EOF {
			return names
		}
		testutil.Must(t, err)
		names = append(names, m.Name)
	}
}
