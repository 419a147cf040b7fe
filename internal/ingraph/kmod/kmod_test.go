package kmod

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
	"github.com/cairn-build/cairn/internal/testutil"
)

// names returns the module names of a selection, built-in ones marked.
func names(sel *Selection) []string {
	var out []string
	for _, m := range sel.Modules {
		out = append(out, m.String())
	}
	return out
}

func TestSelectClosureAndOrder(t *testing.T) {
	tree, err := Open(synthTree(t), "")
	testutil.Must(t, err)
	if tree.Version() != testVersion || tree.Dir() != "usr/lib/modules/"+testVersion {
		t.Fatalf("version %q in %q", tree.Version(), tree.Dir())
	}
	sel, err := tree.Select("qux")
	testutil.Must(t, err)
	want := []string{
		"bar kernel/lib/bar.ko.xz",
		"baz_generic kernel/crypto/baz-generic.ko.zst",
		"foo kernel/fs/foo/foo.ko",
		"qux kernel/drivers/qux.ko.gz",
		"quux builtin",
	}
	if got := names(sel); !slices.Equal(got, want) {
		t.Errorf("Select(qux) =\n%q\nwant\n%q", got, want)
	}
}

func TestSelectNames(t *testing.T) {
	tree, err := Open(synthTree(t), testVersion)
	testutil.Must(t, err)
	for name, want := range map[string][]string{
		"baz-generic": {"baz_generic kernel/crypto/baz-generic.ko.zst"},
		"crypto-baz":  {"baz_generic kernel/crypto/baz-generic.ko.zst"},
		"quuxalias":   {"quux builtin"},
		"quux":        {"quux builtin"},
		"pci:v00001234d00005678sv00000001": {"bar kernel/lib/bar.ko.xz", "baz_generic kernel/crypto/baz-generic.ko.zst",
			"foo kernel/fs/foo/foo.ko", "qux kernel/drivers/qux.ko.gz", "quux builtin"},
		"lonely": {"lonely kernel/drivers/lonely.ko", "bar kernel/lib/bar.ko.xz"},
	} {
		sel, err := tree.Select(name)
		if err != nil {
			t.Errorf("Select(%q): %v", name, err)
			continue
		}
		if got := names(sel); !slices.Equal(got, want) {
			t.Errorf("Select(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestSelectUnknown(t *testing.T) {
	tree, err := Open(synthTree(t), "")
	testutil.Must(t, err)
	_, err = tree.Select("bar", "fooo")
	if err == nil || !strings.Contains(err.Error(), `unknown kernel module "fooo"`) ||
		!strings.Contains(err.Error(), "nearest: foo, bar, quux") {
		t.Errorf("Select(fooo) error = %v", err)
	}
}

func TestFirmware(t *testing.T) {
	tree, err := Open(synthTree(t), "")
	testutil.Must(t, err)
	sel, err := tree.Select("qux")
	testutil.Must(t, err)
	var found, missing []string
	for _, fw := range sel.Firmware {
		found = append(found, fw.Module+":"+fw.Path)
	}
	for _, fw := range sel.Missing {
		missing = append(missing, fw.Warning())
	}
	wantFound := []string{"foo:foo/fw.bin.zst", "foo:foo/link.bin", "quux:quux.bin"}
	wantMissing := []string{
		"W: Possible missing firmware /lib/firmware/foo/missing.bin for module foo",
		"W: Possible missing firmware /lib/firmware/../../etc/passwd for module foo",
	}
	if !slices.Equal(found, wantFound) || !slices.Equal(missing, wantMissing) {
		t.Errorf("firmware found %q missing %q, want %q and %q", found, missing, wantFound, wantMissing)
	}
}

func TestVersions(t *testing.T) {
	root := synthTree(t)
	writeFile(t, root, "lib/modules/5.10.0-old/modules.builtin", nil)
	testutil.Must(t, os.MkdirAll(filepath.Join(root, "usr/lib/modules/7.0-headers-only/build"), 0o755))
	got, err := Versions(root)
	testutil.Must(t, err)
	if want := []string{"5.10.0-old", testVersion}; !slices.Equal(got, want) {
		t.Errorf("Versions = %q, want %q", got, want)
	}
	if _, err := Open(root, ""); err == nil || !strings.Contains(err.Error(), "several kernels (5.10.0-old, 6.99.0-test): choose one with kernel_version") {
		t.Errorf("Open without version: %v", err)
	}
	if _, err := Open(root, "4.0"); err == nil || !strings.Contains(err.Error(), "found: 5.10.0-old, 6.99.0-test") {
		t.Errorf("Open(4.0): %v", err)
	}
	if _, err := Open(t.TempDir(), ""); err == nil || !strings.Contains(err.Error(), "no kernel modules in") {
		t.Errorf("Open(empty): %v", err)
	}
}

func TestResolveStaysInRoot(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "usr/lib/x", []byte("inside"))
	testutil.Must(t, os.Symlink("/usr/lib/x", filepath.Join(root, "abs")))
	testutil.Must(t, os.Symlink("../../../../../../usr/lib/x", filepath.Join(root, "dots")))
	testutil.Must(t, os.Symlink("/etc/hostname", filepath.Join(root, "host")))
	testutil.Must(t, os.Symlink("loop", filepath.Join(root, "loop")))
	r := fsRoot(root)
	for _, rel := range []string{"abs", "dots", "/abs", "usr/../dots"} {
		if got, err := r.resolve(rel); err != nil || got != filepath.Join(root, "usr/lib/x") {
			t.Errorf("resolve(%q) = %q, %v", rel, got, err)
		}
	}
	if _, err := r.resolve("host"); err == nil {
		t.Error("resolve(host) found the host's /etc/hostname")
	}
	if _, err := r.resolve("loop"); !errors.Is(err, archive.ErrLinkLoop) {
		t.Errorf("resolve(loop): %v", err)
	}
}

// matchAlias reports whether name matches one alias pattern.
func matchAlias(pattern, name string) bool {
	return len(matching(newAliasIndex([]alias{{pattern, "m"}}), name)) > 0
}

func TestNormalizeAndMatch(t *testing.T) {
	if got := normalize("crc32c-intel[a-z]-x"); got != "crc32c_intel[a-z]_x" {
		t.Errorf("normalize = %q", got)
	}
	for _, c := range []struct {
		pattern, name string
		ok            bool
	}{{"crc32c", "crc32c", true}, {"pci:v*d*", "pci:v1d2", true}, {"a[!b]c", "axc", true}, {"a[!b]c", "abc", false}, {"x?", "xy", true}} {
		if matchAlias(c.pattern, c.name) != c.ok {
			t.Errorf("matchAlias(%q, %q) != %v", c.pattern, c.name, c.ok)
		}
	}
}

// tree lists every file and directory below dir with its mode, mtime and
// content digest.
func treeListing(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(&b, "%s %v %d", rel, fi.Mode(), fi.ModTime().Unix())
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %x", sha256.Sum256(data))
		}
		b.WriteString("\n")
		return nil
	})
	testutil.Must(t, err)
	return b.String()
}

func TestWrite(t *testing.T) {
	tree, err := Open(synthTree(t), "")
	testutil.Must(t, err)
	sel, err := tree.Select("qux")
	testutil.Must(t, err)
	out := filepath.Join(t.TempDir(), "out")
	testutil.Must(t, sel.Write(out, time.Unix(1700000000, 0)))
	mods := filepath.Join(out, "usr/lib/modules", testVersion)
	wantFiles := map[string]string{
		"modules.dep": "kernel/fs/foo/foo.ko: kernel/lib/bar.ko.xz\nkernel/lib/bar.ko.xz:\n" +
			"kernel/crypto/baz-generic.ko.zst:\nkernel/drivers/qux.ko.gz: kernel/fs/foo/foo.ko kernel/lib/bar.ko.xz\n",
		"modules.order": "kernel/fs/foo/foo.ko\nkernel/lib/bar.ko\nkernel/crypto/baz-generic.ko\nkernel/drivers/qux.ko\n",
		LoadList: "bar kernel/lib/bar.ko.xz\nbaz_generic kernel/crypto/baz-generic.ko.zst\n" +
			"foo kernel/fs/foo/foo.ko\nqux kernel/drivers/qux.ko.gz\n",
		"modules.alias": "# Aliases extracted from modules themselves.\nalias fs-foo foo\n" +
			"alias crypto-baz baz_generic\nalias baz baz_generic\nalias pci:v00001234d*sv* qux\n",
		"modules.softdep": "# Soft dependencies extracted from modules themselves.\n" +
			"softdep foo pre: crypto-baz\nsoftdep qux post: quux nosuchmodule\n",
		"modules.builtin":                  "kernel/drivers/quux.ko\n",
		"../../firmware/foo/fw.bin.zst":    "zstd firmware",
		"../../firmware/foo/link.bin":      "real firmware",
		"../../firmware/quux.bin":          "quux firmware",
		"kernel/lib/bar.ko.xz":             string(compress(t, elfModule(synthModules[1].modinfo...), ".ko.xz")),
		"kernel/crypto/baz-generic.ko.zst": "",
		"kernel/drivers/qux.ko.gz":         "",
		"kernel/fs/foo/foo.ko":             string(elfModule(synthModules[0].modinfo...)),
	}
	for rel, want := range wantFiles {
		data, err := os.ReadFile(filepath.Join(mods, rel))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
		} else if want != "" && string(data) != want {
			t.Errorf("%s =\n%s\nwant\n%s", rel, data, want)
		}
	}
	listing := treeListing(t, out)
	for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
		if !strings.Contains(line, " 1700000000") || !(strings.Contains(line, " -rw-r--r-- ") || strings.Contains(line, " drwxr-xr-x ")) {
			t.Errorf("mode or mtime: %s", line)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 1 || entries[0].Name() != "usr" {
		t.Errorf("top level of output: %v, want only usr", entries)
	}
	again := filepath.Join(t.TempDir(), "again")
	testutil.Must(t, sel.Write(again, time.Unix(1700000000, 0)))
	if treeListing(t, again) != listing {
		t.Error("writing twice gives different trees")
	}
	if err := sel.Write(out, time.Unix(0, 0)); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("Write into a full directory: %v", err)
	}
}

// TestWithDepmodFiles checks that depmod's lists, when present, are used
// and filtered rather than recomputed.
func TestWithDepmodFiles(t *testing.T) {
	root := synthTree(t)
	mods := filepath.Join(root, "usr/lib/modules", testVersion)
	dep := "kernel/fs/foo/foo.ko: kernel/lib/bar.ko.xz\nkernel/lib/bar.ko.xz:\n" +
		"kernel/crypto/baz-generic.ko.zst:\nkernel/drivers/qux.ko.gz: kernel/fs/foo/foo.ko kernel/lib/bar.ko.xz\n" +
		"kernel/drivers/lonely.ko:\n"
	writeFile(t, mods, "modules.dep", []byte(dep))
	writeFile(t, mods, "modules.alias", []byte("# Aliases\nalias crypto-baz baz_generic\n"))
	writeFile(t, mods, "modules.softdep", []byte("softdep lonely pre: crypto-baz\n"))
	tree, err := Open(root, "")
	testutil.Must(t, err)
	sel, err := tree.Select("lonely", "foo")
	testutil.Must(t, err)
	want := []string{"baz_generic kernel/crypto/baz-generic.ko.zst", "lonely kernel/drivers/lonely.ko",
		"bar kernel/lib/bar.ko.xz", "foo kernel/fs/foo/foo.ko"}
	if got := names(sel); !slices.Equal(got, want) {
		t.Errorf("Select = %q, want %q", got, want)
	}
	out := filepath.Join(t.TempDir(), "out")
	testutil.Must(t, sel.Write(out, time.Unix(0, 0)))
	got, err := os.ReadFile(filepath.Join(out, "usr/lib/modules", testVersion, "modules.dep"))
	testutil.Must(t, err)
	if w := "kernel/fs/foo/foo.ko: kernel/lib/bar.ko.xz\nkernel/lib/bar.ko.xz:\nkernel/crypto/baz-generic.ko.zst:\nkernel/drivers/lonely.ko:\n"; string(got) != w {
		t.Errorf("modules.dep =\n%s\nwant\n%s", got, w)
	}
	got, err = os.ReadFile(filepath.Join(out, "usr/lib/modules", testVersion, "modules.alias"))
	testutil.Must(t, err)
	if string(got) != "# Aliases\nalias crypto-baz baz_generic\n" {
		t.Errorf("modules.alias not copied: %q", got)
	}
}

func TestBrokenModule(t *testing.T) {
	root := synthTree(t)
	writeFile(t, root, "usr/lib/modules/"+testVersion+"/kernel/bad.ko", []byte("not ELF"))
	writeFile(t, root, "usr/lib/modules/"+testVersion+"/kernel/needy.ko", elfModule("depends=gone"))
	tree, err := Open(root, "")
	testutil.Must(t, err)
	if _, err := tree.Select("bad"); err == nil || !strings.Contains(err.Error(), "module bad (kernel/bad.ko)") {
		t.Errorf("Select(bad): %v", err)
	}
	if _, err := tree.Select("needy"); err == nil || !strings.Contains(err.Error(), "depends on gone") {
		t.Errorf("Select(needy): %v", err)
	}
}
