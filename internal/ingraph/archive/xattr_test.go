package archive

import (
	"archive/tar"
	"bytes"
	"io"
	"maps"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/testutil"
	"golang.org/x/sys/unix"
)

// xattrSets are the attributes xattrTree sets besides the capability.
var xattrSets = []struct{ path, name, value string }{
	{"bin/ping", "user.b", "2"},
	{"bin/ping", "user.a", "1\x00\n="},
	{"bin/ping", "trusted.cairn", "t"},
	{"etc", "trusted.overlay.opaque", "y"},
	{"etc", "user.overlay.opaque", "y"},
	{"init", "trusted.link", "l"},
}

// xattrTree builds a tree whose bin/ping has a file capability set by
// setcap, user and trusted attributes and a hard link, and whose
// symbolic link and directory carry attributes of their own; reverse
// sets everything in the opposite order.
func xattrTree(t *testing.T, reverse bool) string {
	t.Helper()
	testutil.NeedRoot(t)
	if _, err := exec.LookPath("setcap"); err != nil {
		t.Skip("setcap not installed (package libcap2-bin)")
	}
	root := build(t, []item{
		{path: "bin", kind: 'd', perm: 0o755},
		{path: "bin/ping", kind: 'f', perm: 0o755, data: "ping"},
		{path: "bin/ping-link", kind: 'h', data: "bin/ping"},
		{path: "etc", kind: 'd', perm: 0o755},
		{path: "init", kind: 'l', data: "bin/ping"},
	}, buildOpts{reverse: reverse, mtime: time.Unix(1e9, 0)})
	sets := slices.Clone(xattrSets)
	if reverse {
		slices.Reverse(sets)
	}
	for _, s := range sets {
		testutil.Must(t, unix.Lsetxattr(filepath.Join(root, s.path), s.name, []byte(s.value), 0))
	}
	tool(t, "", "", "setcap", "cap_net_raw+ep", filepath.Join(root, "bin/ping"))
	return root
}

// xattrOptions records attributes.
func xattrOptions() Options {
	opts := Reproducible(witnessEpoch)
	opts.Xattrs = true
	return opts
}

// paxXattrs maps each tar entry's name to its SCHILY.xattr records.
func paxXattrs(t *testing.T, archive []byte) map[string]map[string]string {
	t.Helper()
	out := make(map[string]map[string]string)
	tr := tar.NewReader(bytes.NewReader(archive))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out
		}
		testutil.Must(t, err)
		for k, v := range hdr.PAXRecords {
			if name, ok := strings.CutPrefix(k, paxXattr); ok {
				if out[hdr.Name] == nil {
					out[hdr.Name] = make(map[string]string)
				}
				out[hdr.Name][name] = v
			}
		}
	}
}

func TestTarXattrs(t *testing.T) {
	src := xattrTree(t, false)
	a := encode(t, "tar", src, xattrOptions())
	if b := encode(t, "tar", xattrTree(t, true), xattrOptions()); !bytes.Equal(a, b) {
		t.Error("archives of equal trees whose attributes were set in another order differ")
	}
	capability, err := readSized(func(b []byte) (int, error) {
		return unix.Lgetxattr(filepath.Join(src, "bin/ping"), "security.capability", b)
	})
	testutil.Must(t, err)
	want := map[string]map[string]string{
		"bin/ping": {"security.capability": string(capability), "trusted.cairn": "t", "user.a": "1\x00\n=", "user.b": "2"},
		"init":     {"trusted.link": "l"},
	}
	if got := paxXattrs(t, a); !maps.EqualFunc(got, want, maps.Equal) {
		t.Errorf("PAX xattr records:\n%q\nwant\n%q", got, want)
	}
	var at []int
	for _, name := range []string{"security.capability", "trusted.cairn", "user.a", "user.b"} {
		at = append(at, bytes.Index(a, []byte(paxXattr+name+"=")))
	}
	if !slices.IsSorted(at) || at[0] < 0 {
		t.Errorf("PAX records not in name order: offsets %v", at)
	}
}

func TestXattrsOffByDefault(t *testing.T) {
	src := xattrTree(t, false)
	if tarball := encode(t, "tar", src, Reproducible(witnessEpoch)); bytes.Contains(tarball, []byte(paxXattr)) {
		t.Error("tar records extended attributes without Options.Xattrs")
	}
	if !bytes.Equal(encode(t, "cpio", src, xattrOptions()), encode(t, "cpio", src, Reproducible(witnessEpoch))) {
		t.Error("cpio output depends on Options.Xattrs")
	}
	entries, err := Walk(src, Reproducible(witnessEpoch))
	testutil.Must(t, err)
	for _, e := range entries {
		if e.Xattrs != nil {
			t.Errorf("%s: attributes %q read without Options.Xattrs", e.Path, e.Xattrs)
		}
	}
}

func TestXattrsWitnessGNU(t *testing.T) {
	src := xattrTree(t, false)
	file := archiveFile(t, src, func(b *bytes.Buffer) error { return WriteTar(b, src, xattrOptions()) })
	listing := tool(t, "", "", "tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-tvvf", file)
	if !strings.Contains(listing, "-rwxr-xr-x* 0/0") || !strings.Contains(listing, "  x: 20 security.capability\n") {
		t.Errorf("GNU tar listing shows no capability:\n%s", listing)
	}
	out := t.TempDir()
	tool(t, "", "", "tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpf", file, "-C", out)
	if got := tool(t, "", "", "getcap", filepath.Join(out, "bin/ping")); !strings.HasSuffix(got, " cap_net_raw=ep\n") {
		t.Errorf("getcap after GNU tar extraction: %q", got)
	}
	for _, s := range xattrSets[:3] {
		v, err := readSized(func(b []byte) (int, error) { return unix.Lgetxattr(filepath.Join(out, s.path), s.name, b) })
		if err != nil || string(v) != s.value {
			t.Errorf("%s %s after extraction: %q, %v; want %q", s.path, s.name, v, err, s.value)
		}
	}
}

func TestRecordedXattr(t *testing.T) {
	for name, want := range map[string]bool{
		"security.capability": true, "user.mime_type": true, "trusted.x": true,
		"security.selinux": false, "security.ima": false, "system.posix_acl_access": false,
		"trusted.overlay.opaque": false, "user.overlay.origin": false, "": false, "user": false,
	} {
		if got := recordedXattr(name); got != want {
			t.Errorf("recordedXattr(%q) = %v", name, got)
		}
	}
	if got := splitXattrNames([]byte("user.b\x00security.selinux\x00user.a\x00user.b\x00")); !slices.Equal(got, []string{"user.a", "user.b"}) {
		t.Errorf("splitXattrNames: %q", got)
	}
}

func FuzzSplitXattrNames(f *testing.F) {
	f.Add([]byte("user.b\x00security.capability\x00user.a\x00"))
	f.Add([]byte("security.selinux\x00trusted.overlay.opaque\x00user.b\x00user.b\x00"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, list []byte) {
		names := splitXattrNames(list)
		if !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != len(names) {
			t.Errorf("names not sorted and unique: %q", names)
		}
		listed := strings.Split(string(list), "\x00")
		for _, n := range names {
			if !recordedXattr(n) || !slices.Contains(listed, n) {
				t.Errorf("name %q is not a recorded name of the list %q", n, list)
			}
		}
	})
}
