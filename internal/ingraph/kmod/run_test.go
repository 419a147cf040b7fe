package kmod

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/testutil"
)

// runKmods checks and runs req as the helper does and returns what it
// printed and warned; a failed check is a *checkError.
func runKmods(req request.Kmods) (stdout, warnings string, err error) {
	if err := req.Check(); err != nil {
		return "", "", &checkError{err}
	}
	var out, warn bytes.Buffer
	err = Run(req, &out, &warn)
	return out.String(), warn.String(), err
}

// checkError is a request the helper rejects before running it.
type checkError struct{ error }

// tinyModule returns an ELF64 file with a .modinfo section: enough of a
// kernel module for kmods.
func tinyModule(entries ...string) []byte {
	info := []byte(strings.Join(entries, "\x00") + "\x00\x00.modinfo\x00.shstrtab\x00")
	shoff := (64 + len(info) + 7) &^ 7
	h := elf.Header64{Type: uint16(elf.ET_REL), Machine: uint16(elf.EM_X86_64), Version: 1,
		Shoff: uint64(shoff), Ehsize: 64, Shentsize: 64, Shnum: 3, Shstrndx: 2}
	copy(h.Ident[:], elf.ELFMAG+"\x02\x01\x01")
	n := uint64(len(info) - len("\x00.modinfo\x00.shstrtab\x00"))
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, h)
	b.Write(info)
	b.Write(make([]byte, shoff-b.Len()))
	binary.Write(&b, binary.LittleEndian, []elf.Section64{{},
		{Name: 1, Type: uint32(elf.SHT_PROGBITS), Off: 64, Size: n, Addralign: 1},
		{Name: 10, Type: uint32(elf.SHT_STRTAB), Off: 64 + n, Size: uint64(len(info)) - n, Addralign: 1}})
	return b.Bytes()
}

// tinyKernel makes a root with one kernel: a needs b, c is built in.
func tinyKernel(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	mods := filepath.Join(root, "lib/modules/6.99-tiny")
	for rel, data := range map[string][]byte{
		"kernel/a-mod.ko":      tinyModule("depends=b", "softdep=post: c", "firmware=a.bin", "firmware=gone.bin"),
		"kernel/b.ko":          tinyModule("depends="),
		"modules.builtin":      []byte("kernel/c.ko\n"),
		"../../firmware/a.bin": []byte("fw"),
	} {
		testutil.Must(t, os.MkdirAll(filepath.Dir(filepath.Join(mods, rel)), 0o755))
		testutil.Must(t, os.WriteFile(filepath.Join(mods, rel), data, 0o644))
	}
	return root
}

func TestKmodsTiny(t *testing.T) {
	root := tinyKernel(t)
	out := filepath.Join(t.TempDir(), "out")
	stdout, warn, err := runKmods(request.Kmods{Root: root, Out: out, Epoch: 1234, Modules: []string{"a_mod"}})
	want := "b kernel/b.ko\na_mod kernel/a-mod.ko\nc builtin\nfirmware a.bin\n"
	if err != nil || stdout != want {
		t.Fatalf("kmods: %q, %v; want stdout\n%s", stdout, err, want)
	}
	if warn != "W: Possible missing firmware /lib/firmware/gone.bin for module a_mod\n" {
		t.Errorf("warnings: %q", warn)
	}
	load, err := os.ReadFile(filepath.Join(out, "usr/lib/modules/6.99-tiny", LoadList))
	testutil.Must(t, err)
	if string(load) != "b kernel/b.ko\na_mod kernel/a-mod.ko\n" {
		t.Errorf("%s: %q", LoadList, load)
	}
	fi, err := os.Stat(filepath.Join(out, "usr/lib/firmware/a.bin"))
	if err != nil || fi.ModTime().Unix() != 1234 || fi.Mode() != 0o644 {
		t.Errorf("firmware copy: %v %v", fi, err)
	}
}

func TestKmodsErrors(t *testing.T) {
	root := tinyKernel(t)
	out := func() string { return filepath.Join(t.TempDir(), "out") }
	for _, tc := range []struct {
		req   request.Kmods
		check bool // rejected by the request's Check, a usage error
		msg   string
	}{
		{request.Kmods{Root: root, Modules: []string{"a"}}, true, "out is required"},
		{request.Kmods{Root: root, Out: out()}, true, "modules is empty"},
		{request.Kmods{Root: root, Out: out(), Modules: []string{"a_mdo"}}, false, `unknown kernel module "a_mdo" in lib/modules/6.99-tiny: no module file, built-in module or alias of that name; nearest: a_mod, b, c`},
		{request.Kmods{Root: root, Out: out(), KernelVersion: "5", Modules: []string{"b"}}, false, "no modules for kernel 5"},
		{request.Kmods{Root: t.TempDir(), Out: out(), Modules: []string{"b"}}, false, "no kernel modules in"},
		{request.Kmods{Root: root, Out: root, Modules: []string{"b"}}, false, "is not empty"},
	} {
		_, _, err := runKmods(tc.req)
		var ce *checkError
		if err == nil || errors.As(err, &ce) != tc.check || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%+v: %v, want a check error %v with %q", tc.req, err, tc.check, tc.msg)
		}
	}
}

// debianKernel is a Debian kernel image package unpacked once into the
// user's cache directory and shared by the tests that need real modules.
type debianKernel struct {
	dir, root, version string
	skip               string
}

var (
	kernelOnce sync.Once
	kernel     debianKernel
)

// realKernel returns the unpacked kernel package, downloading it with the
// host's apt on first use; it skips the test when apt cannot.
func realKernel(t *testing.T) debianKernel {
	t.Helper()
	if testing.Short() {
		t.Skip("needs a real kernel package")
	}
	kernelOnce.Do(func() { kernel = fetchKernel() })
	if kernel.skip != "" {
		t.Skip(kernel.skip)
	}
	return kernel
}

// fetchKernel finds the current kernel image package of the host's
// architecture with apt-cache and unpacks it with dpkg-deb.
func fetchKernel() debianKernel {
	pkg, err := kernelPackage()
	if err != nil {
		return debianKernel{skip: fmt.Sprintf("no Debian kernel package from apt (%v); run apt-get update", err)}
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return debianKernel{skip: err.Error()}
	}
	dir := filepath.Join(cache, "cairn-test", pkg)
	if _, err := os.Stat(filepath.Join(dir, "root")); err != nil {
		if err := downloadKernel(pkg, dir); err != nil {
			return debianKernel{skip: fmt.Sprintf("cannot download %s with apt-get: %v", pkg, err)}
		}
	}
	root := filepath.Join(dir, "root")
	versions, err := Versions(root)
	if err != nil || len(versions) != 1 {
		return debianKernel{skip: fmt.Sprintf("%s: versions %q, %v", root, versions, err)}
	}
	return debianKernel{dir: dir, root: root, version: versions[0]}
}

// kernelPackage asks apt-cache which package linux-image-ARCH depends on.
func kernelPackage() (string, error) {
	meta := "linux-image-" + runtime.GOARCH
	out, err := exec.Command("apt-cache", "depends", meta).Output()
	if err != nil {
		return "", fmt.Errorf("apt-cache depends %s: %w", meta, err)
	}
	for line := range strings.Lines(string(out)) {
		if dep, ok := strings.CutPrefix(strings.TrimSpace(line), "Depends: linux-image-"); ok {
			return "linux-image-" + dep, nil
		}
	}
	return "", fmt.Errorf("apt-cache depends %s names no linux-image package", meta)
}

// downloadKernel fetches pkg and unpacks it to dir/root.
func downloadKernel(pkg, dir string) error {
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return err
	}
	get := exec.Command("apt-get", "download", "-q", pkg)
	get.Dir = tmp
	if out, err := get.CombinedOutput(); err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	debs, _ := filepath.Glob(filepath.Join(tmp, "*.deb"))
	if len(debs) != 1 {
		return fmt.Errorf("apt-get download left %q", debs)
	}
	if out, err := exec.Command("dpkg-deb", "-x", debs[0], filepath.Join(tmp, "root")).CombinedOutput(); err != nil {
		return fmt.Errorf("dpkg-deb -x: %w\n%s", err, out)
	}
	os.Remove(debs[0])
	os.RemoveAll(dir)
	return os.Rename(tmp, dir)
}

// sbinTool finds a kmod tool, which may be outside a non-root PATH.
func sbinTool(t *testing.T, name string) string {
	t.Helper()
	for _, p := range []string{name, "/usr/sbin/" + name, "/sbin/" + name} {
		if full, err := exec.LookPath(p); err == nil {
			return full
		}
	}
	t.Skipf("%s not installed (package kmod)", name)
	return ""
}

// depmodTree returns a copy of the kernel's modules, hard-linked, on
// which depmod has run: the witness tree for modprobe and modinfo.
func depmodTree(t *testing.T, k debianKernel) string {
	t.Helper()
	depmod := sbinTool(t, "depmod")
	dir := filepath.Join(k.dir, "depmod")
	if _, err := os.Stat(filepath.Join(dir, "done")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	mods, err := Open(k.root, k.version)
	testutil.Must(t, err)
	testutil.Must(t, os.MkdirAll(filepath.Join(dir, "lib/modules"), 0o755))
	testutil.Shell(t, "cp", "-al", filepath.Join(k.root, mods.Dir()), filepath.Join(dir, "lib/modules"))
	testutil.Shell(t, depmod, "-b", dir, k.version)
	testutil.Must(t, os.WriteFile(filepath.Join(dir, "done"), nil, 0o644))
	return dir
}

// showDepends returns what "modprobe --show-depends" lists for name, as
// kmods prints it: "name path" or "name builtin".
func showDepends(t *testing.T, k debianKernel, witness, name string) []string {
	t.Helper()
	modprobe := sbinTool(t, "modprobe")
	noConfig := t.TempDir()
	out := testutil.Shell(t, modprobe, "--show-depends", "-C", noConfig, "-d", witness, "-S", k.version, name)
	prefix := filepath.Join(witness, "lib/modules", k.version) + "/"
	var got []string
	for line := range strings.Lines(out) {
		switch f := strings.Fields(line); {
		case len(f) == 2 && f[0] == "builtin":
			got = append(got, f[1]+" builtin")
		case len(f) >= 2 && f[0] == "insmod":
			rel := strings.TrimPrefix(f[1], prefix)
			got = append(got, modName(rel)+" "+rel)
		}
	}
	return got
}

// modName is the kernel's name for a module path.
func modName(rel string) string {
	base := path.Base(rel)
	return strings.ReplaceAll(base[:strings.Index(base, ".ko")], "-", "_")
}

// depmodDeps reads the witness's modules.dep: module path -> dependency
// paths.
func depmodDeps(t *testing.T, k debianKernel, witness string) map[string][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(witness, "lib/modules", k.version, "modules.dep"))
	testutil.Must(t, err)
	defer f.Close()
	deps := map[string][]string{}
	for s := bufio.NewScanner(f); s.Scan(); {
		mod, rest, _ := strings.Cut(s.Text(), ":")
		deps[mod] = strings.Fields(rest)
	}
	return deps
}

// checkLoadOrder checks that every module comes after its dependencies.
func checkLoadOrder(t *testing.T, lines []string, deps map[string][]string) {
	t.Helper()
	pos := map[string]int{}
	for i, l := range lines {
		_, p, _ := strings.Cut(l, " ")
		pos[p] = i
	}
	for _, l := range lines {
		_, p, _ := strings.Cut(l, " ")
		for _, d := range deps[p] {
			if at, ok := pos[d]; !ok || at > pos[p] {
				t.Errorf("%s needs %s, which is at %d (listed %v)", p, d, at, ok)
			}
		}
	}
}

func TestKmodsRealKernel(t *testing.T) {
	k := realKernel(t)
	witness := depmodTree(t, k)
	var want []string
	for _, name := range []string{"ext4", "virtio_blk"} {
		want = append(want, showDepends(t, k, witness, name)...)
	}
	out := filepath.Join(t.TempDir(), "out")
	start := time.Now()
	stdout, warn, err := runKmods(request.Kmods{Root: k.root, Out: out, Modules: []string{"ext4", "virtio_blk"}})
	t.Logf("kmods ext4 virtio_blk on %s: %v", k.version, time.Since(start))
	if err != nil || warn != "" {
		t.Fatalf("kmods: %v, warnings %q", err, warn)
	}
	got := strings.Split(strings.TrimSpace(stdout), "\n")
	if !slices.Equal(sortedSet(got), sortedSet(want)) {
		t.Errorf("kmods selected\n%s\nmodprobe --show-depends lists\n%s", strings.Join(sortedSet(got), "\n"), strings.Join(sortedSet(want), "\n"))
	}
	for _, m := range []string{"ext4", "jbd2", "mbcache", "crc16", "crc32c_generic"} {
		if !slices.ContainsFunc(got, func(l string) bool { return strings.HasPrefix(l, m+" ") }) {
			t.Errorf("%s not selected", m)
		}
	}
	deps := depmodDeps(t, k, witness)
	checkLoadOrder(t, got, deps)
	checkOutput(t, k, out, got, deps)
	// The same selection from the tree depmod ran on, through its files.
	stdout2, _, err := runKmods(request.Kmods{Root: witness, Out: filepath.Join(t.TempDir(), "out"), Modules: []string{"ext4", "virtio_blk"}})
	if err != nil || stdout2 != stdout {
		t.Errorf("with depmod's files: %q, %v; want stdout\n%s", stdout2, err, stdout)
	}
	again := filepath.Join(t.TempDir(), "again")
	if _, _, err := runKmods(request.Kmods{Root: k.root, Out: again, Modules: []string{"ext4", "virtio_blk"}}); err != nil || testutil.DirContents(t, again) != testutil.DirContents(t, out) {
		t.Errorf("second run differs: %v", err)
	}
}

// checkOutput compares the written tree with the source and depmod's
// modules.dep.
func checkOutput(t *testing.T, k debianKernel, out string, lines []string, deps map[string][]string) {
	t.Helper()
	mods := filepath.Join(out, "usr/lib/modules", k.version)
	src := filepath.Join(k.root, "lib/modules", k.version)
	var wantLoad strings.Builder
	for _, l := range lines {
		if strings.HasSuffix(l, " builtin") {
			continue
		}
		wantLoad.WriteString(l + "\n")
		_, p, _ := strings.Cut(l, " ")
		a, err1 := os.ReadFile(filepath.Join(src, p))
		b, err2 := os.ReadFile(filepath.Join(mods, p))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: copy differs (%v, %v)", p, err1, err2)
		}
	}
	load, err := os.ReadFile(filepath.Join(mods, LoadList))
	if err != nil || string(load) != wantLoad.String() {
		t.Errorf("%s =\n%s\nwant\n%s (%v)", LoadList, load, wantLoad.String(), err)
	}
	dep, err := os.ReadFile(filepath.Join(mods, "modules.dep"))
	testutil.Must(t, err)
	for line := range strings.Lines(string(dep)) {
		mod, rest, _ := strings.Cut(strings.TrimSpace(line), ":")
		if !slices.Equal(sortedSet(strings.Fields(rest)), sortedSet(deps[mod])) {
			t.Errorf("modules.dep: %s needs %q, depmod says %q", mod, rest, deps[mod])
		}
	}
}

// sorted returns a sorted copy without repeats.
func sortedSet(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// TestKmodsRealMatchesModprobe compares the closure of single modules
// with modprobe's. btrfs has four softdep lines, of which kmod 30 honours
// only the first; kmods takes them all.
func TestKmodsRealMatchesModprobe(t *testing.T) {
	k := realKernel(t)
	witness := depmodTree(t, k)
	tree, err := Open(k.root, "")
	testutil.Must(t, err)
	for _, name := range []string{"sd_mod", "nvme", "xfs", "i915", "dm-crypt", "virtio_net", "usb_storage",
		"overlay", "ahci", "f2fs", "nfsd", "xt_LOG", "intel_lpss", "r8169", "ohci-pci", "vfio", "crc32", "crc32c", "btrfs"} {
		sel, err := tree.Select(name)
		if err != nil {
			t.Errorf("Select(%s): %v", name, err)
			continue
		}
		var got []string
		for _, m := range sel.Modules {
			got = append(got, m.String())
		}
		got, want := sortedSet(got), sortedSet(showDepends(t, k, witness, name))
		if name == "btrfs" && !slices.ContainsFunc(want, func(w string) bool { return !slices.Contains(got, w) }) {
			continue
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: kmod selects\n%s\nmodprobe --show-depends\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

func TestKmodsRealFirmware(t *testing.T) {
	k := realKernel(t)
	witness := depmodTree(t, k)
	modinfo := sbinTool(t, "modinfo")
	stdout, warn, err := runKmods(request.Kmods{Root: k.root, Out: filepath.Join(t.TempDir(), "out"), Modules: []string{"iwlwifi"}})
	if err != nil {
		t.Fatalf("kmods iwlwifi: %v", err)
	}
	var want []string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		name, _, _ := strings.Cut(l, " ")
		out := testutil.Shell(t, modinfo, "-b", witness, "-k", k.version, "-F", "firmware", name)
		for fw := range strings.Lines(out) {
			want = append(want, fmt.Sprintf("W: Possible missing firmware /lib/firmware/%s for module %s", strings.TrimSpace(fw), name))
		}
	}
	if got := strings.Split(strings.TrimSpace(warn), "\n"); len(want) < 10 || !slices.Equal(got, want) {
		t.Errorf("warnings\n%s\nwant (from modinfo)\n%s", warn, strings.Join(want, "\n"))
	}
}

// TestKmodsRealDepsMatchDepmod checks the dependencies and aliases kmod
// reads from .modinfo against depmod's files, for every module.
func TestKmodsRealDepsMatchDepmod(t *testing.T) {
	k := realKernel(t)
	witness := depmodTree(t, k)
	tree, err := Open(k.root, "")
	testutil.Must(t, err)
	deps := depmodDeps(t, k, witness)
	if len(deps) != len(tree.Modules()) {
		t.Errorf("%d modules, depmod lists %d", len(tree.Modules()), len(deps))
	}
	for _, name := range tree.Modules() {
		p, _ := tree.Path(name)
		got, err := tree.Deps(name)
		if err != nil || !slices.Equal(sortedSet(got), sortedSet(deps[p])) {
			t.Errorf("%s: deps %q (%v), depmod says %q", name, got, err, deps[p])
		}
		var order []string
		for _, d := range slices.Backward(append([]string{p}, got...)) {
			order = append(order, modName(d)+" "+d)
		}
		checkLoadOrder(t, order, deps)
	}
	checkAliases(t, k, witness, tree)
}

// checkAliases looks up every plain alias of depmod's modules.alias.
func checkAliases(t *testing.T, k debianKernel, witness string, tree *Tree) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(witness, "lib/modules", k.version, "modules.alias"))
	testutil.Must(t, err)
	n := 0
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) != 3 || strings.ContainsAny(f[1], "*?[") {
			continue
		}
		if _, isModule := tree.Path(f[1]); isModule {
			continue
		}
		got, err := tree.Lookup(f[1])
		if n++; err != nil || !slices.Contains(got, f[2]) {
			t.Errorf("Lookup(%s) = %q, %v; depmod has %s", f[1], got, err, f[2])
		}
	}
	if n < 1000 {
		t.Errorf("only %d plain aliases checked", n)
	}
}
