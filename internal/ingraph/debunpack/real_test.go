package debunpack

import (
	"archive/tar"
	"crypto/md5"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// realPackages are Debian packages that exercise the unpacker: xz data
// (all of them), conffiles (base-files, bash, libc6, passwd),
// Multi-Arch: same and lib64 symlinks (libc6), a setgid file of group
// shadow (passwd), setuid files below /bin (mount) and many hard links
// and symbolic links (coreutils).
var realPackages = []string{"bash", "base-files", "libc6", "coreutils", "passwd", "mount"}

// testEpoch is the --epoch of the tests.
const testEpoch = 1700000000

func TestRealPackages(t *testing.T) {
	testutil.NeedRoot(t)
	testutil.NeedTool(t, "dpkg-deb")
	for _, name := range realPackages {
		t.Run(name, func(t *testing.T) {
			deb := download(t, name)
			ref := t.TempDir()
			testutil.Run(t, "", "dpkg-deb", "-x", deb, ref)
			for _, merged := range []bool{false, true} {
				checkUnpack(t, deb, ref, merged)
			}
		})
	}
}

// checkUnpack unpacks deb and compares the result with dpkg-deb's
// extraction ref and its control information.
func checkUnpack(t *testing.T, deb, ref string, merged bool) {
	out := filepath.Join(t.TempDir(), "out")
	pkg, err := UnpackFile(deb, out, Options{MergedUsr: merged, Epoch: testEpoch})
	testutil.Must(t, err)
	rename := identity
	if merged {
		rename = func(rel string) (string, bool) { return mergeUsr(rel) }
	}
	extra := compareTrees(t, snapshot(t, ref), snapshot(t, out), rename)
	if left := without(extra, generated(merged)); len(left) > 0 {
		t.Errorf("merged=%v: unexpected files %q", merged, left)
	}
	checkDirTimes(t, deb, out, rename)
	checkInfo(t, deb, out, pkg)
	checkList(t, deb, out, pkg)
	checkStatus(t, deb, out, pkg)
}

// checkDirTimes compares directory mtimes with the archive's, which
// "dpkg-deb -x" does not restore.
func checkDirTimes(t *testing.T, deb, out string, rename func(string) (string, bool)) {
	cmd := exec.Command("dpkg-deb", "--fsys-tarfile", deb)
	stdout, err := cmd.StdoutPipe()
	testutil.Must(t, err)
	testutil.Must(t, cmd.Start())
	defer cmd.Wait()
	tr := tar.NewReader(stdout)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return
		}
		testutil.Must(t, err)
		rel, _ := cleanPath(hdr.Name)
		to, ok := rename(rel)
		if hdr.Typeflag != tar.TypeDir || rel == "" || !ok {
			continue
		}
		if got := describe(t, filepath.Join(out, to)).mtime; got != hdr.ModTime.UnixNano() {
			t.Errorf("%s: directory mtime %d, archive has %d", to, got, hdr.ModTime.UnixNano())
		}
	}
}

// checkInfo compares the info files with "dpkg-deb -e".
func checkInfo(t *testing.T, deb, out string, pkg Package) {
	ctl := t.TempDir()
	testutil.Run(t, "", "dpkg-deb", "-e", deb, ctl)
	entries, err := os.ReadDir(ctl)
	testutil.Must(t, err)
	want := []string{pkg.ID() + ".list"}
	for _, e := range entries {
		if e.Name() == "control" {
			continue
		}
		name := pkg.ID() + "." + e.Name()
		want = append(want, name)
		w, g := describe(t, filepath.Join(ctl, e.Name())), describe(t, filepath.Join(out, infoDir, name))
		if w.mode != g.mode || w.sum != g.sum || w.mtime != g.mtime || g.uid != 0 || g.gid != 0 {
			t.Errorf("%s:\n got  %v\n want %v", name, g, w)
		}
	}
	got, err := os.ReadDir(filepath.Join(out, infoDir))
	testutil.Must(t, err)
	var names []string
	for _, e := range got {
		names = append(names, e.Name())
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("info files %q, want %q", names, want)
	}
}

// checkList compares the .list file with the archive's listing and, when
// the host has the same version installed, with dpkg's own.
func checkList(t *testing.T, deb, out string, pkg Package) {
	got := readFile(t, filepath.Join(out, infoDir, pkg.ID()+".list"))
	var want []string
	for _, name := range lines(testutil.Run(t, "", "sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -t", "sh", deb)) {
		want = append(want, listPath(name))
	}
	if want[0] != "/." || got != strings.Join(want, "\n")+"\n" {
		t.Errorf("%s.list differs from the archive listing", pkg.ID())
	}
	if hostVersion(pkg) != pkg.Version {
		t.Logf("host has %s %q, not %q: not comparing with dpkg's .list", pkg.Name, hostVersion(pkg), pkg.Version)
		return
	}
	if host := readFile(t, filepath.Join("/", infoDir, pkg.ID()+".list")); got != host {
		t.Errorf("%s.list differs from the host's", pkg.ID())
	}
}

// hostVersion is the version of pkg installed on the host, or "".
func hostVersion(pkg Package) string {
	out, err := exec.Command("dpkg-query", "-W", "-f", "${Version}", pkg.Name+":"+pkg.Arch).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// checkStatus compares the status entry with "dpkg-deb -f" and, when the
// host has the same version installed, with "dpkg-query -s".
func checkStatus(t *testing.T, deb, out string, pkg Package) {
	got := readFile(t, filepath.Join(out, statusDir, pkg.ID()))
	if !strings.HasSuffix(got, "\n\n") || strings.Count(got, "\n\n") != 1 {
		t.Errorf("status entry does not end with one blank line:\n%s", got)
	}
	entry, err := parseControl(got)
	testutil.Must(t, err)
	control, err := parseControl(testutil.Run(t, "", "dpkg-deb", "-f", deb))
	testutil.Must(t, err)
	for _, f := range control {
		if entry.Get(f.Name) != f.Value && !(f.Name == "Essential" && f.Value == "no") {
			t.Errorf("status %s = %q, control has %q", f.Name, entry.Get(f.Name), f.Value)
		}
	}
	if s := entry.Get("Status"); s != "install ok unpacked" {
		t.Errorf("Status %q", s)
	}
	checkConffileHashes(t, entry.Get("Conffiles"), out)
	if hostVersion(pkg) == pkg.Version {
		host := testutil.Run(t, "", "dpkg-query", "-s", pkg.Name+":"+pkg.Arch)
		host = strings.Replace(host, "Status: install ok installed\n", "Status: install ok unpacked\n", 1)
		if got != host+"\n" {
			t.Errorf("status entry differs from dpkg's:\n%s\nwant:\n%s", got, host)
		}
	}
}

// checkConffileHashes checks each conffile's hash against the unpacked
// file.
func checkConffileHashes(t *testing.T, field, out string) {
	for _, line := range strings.Split(strings.TrimSpace(field), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[1] == newConffileHash {
			continue
		}
		data, err := os.ReadFile(filepath.Join(out, f[0]))
		testutil.Must(t, err)
		sum := md5.Sum(data)
		if f[1] != hex.EncodeToString(sum[:]) {
			t.Errorf("conffile %s hash %s, file has %x", f[0], f[1], sum)
		}
	}
}
