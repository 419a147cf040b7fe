package kmod

import (
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
)

// moduleDirs are where kernel packages put modules, merged-/usr first.
var moduleDirs = []string{"usr/lib/modules", "lib/modules"}

// Tree is the modules of one kernel version in an unpacked package tree.
type Tree struct {
	root    fsRoot
	version string
	rel     string            // the version's directory, relative to root
	files   map[string]string // module name -> path relative to rel
	order   []string          // module names: modules.order, then the rest by path
	builtin map[string]string // built-in module name -> path in modules.builtin
	binfo   map[string]*modinfo
	deps    map[string][]string // modules.dep, when present: name -> all dependencies
	soft    map[string][]string // modules.softdep lines: name -> "pre: ... post: ..."

	mu        sync.Mutex
	info      map[string]*modinfo
	aliases   *aliasIndex
	aliasOnce sync.Once
	aliasErr  error

	builtinOnce sync.Once
	baliases    *aliasIndex
}

// Versions lists the kernel versions whose modules directory exists in
// root, under usr/lib/modules or lib/modules, in byte order.
func Versions(root string) ([]string, error) {
	found, err := findVersions(fsRoot(root))
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(found)), nil
}

// findVersions maps each kernel version to its directory relative to r.
// A directory counts if it holds modules or the kernel's module lists, so
// one with only a linux-headers "build" link does not.
func findVersions(r fsRoot) (map[string]string, error) {
	found := map[string]string{}
	for _, dir := range moduleDirs {
		host, ok := r.isDir(dir)
		if !ok {
			continue
		}
		entries, err := os.ReadDir(host)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			rel := dir + "/" + e.Name()
			if _, seen := found[e.Name()]; !seen && isVersionDir(r, rel) {
				found[e.Name()] = rel
			}
		}
	}
	return found, nil
}

// isVersionDir reports whether rel looks like /lib/modules/VERSION.
func isVersionDir(r fsRoot, rel string) bool {
	if _, ok := r.isDir(rel + "/kernel"); ok {
		return true
	}
	for _, f := range []string{"modules.order", "modules.dep", "modules.builtin"} {
		if _, ok := r.isFile(rel + "/" + f); ok {
			return true
		}
	}
	return false
}

// Open reads the module lists of kernel version in root; version may be
// empty when root holds exactly one.
func Open(root, version string) (*Tree, error) {
	r := fsRoot(root)
	found, err := findVersions(r)
	if err != nil {
		return nil, err
	}
	version, err = pickVersion(root, version, found)
	if err != nil {
		return nil, err
	}
	t := &Tree{root: r, version: version, rel: found[version], info: map[string]*modinfo{}}
	return t, t.load()
}

// pickVersion checks or chooses the kernel version.
func pickVersion(root, version string, found map[string]string) (string, error) {
	all := slices.Sorted(maps.Keys(found))
	switch {
	case version != "" && found[version] == "":
		return "", errNoVersion(root, version, all)
	case version != "":
		return version, nil
	case len(all) == 1:
		return all[0], nil
	}
	return "", errPickVersion(root, all)
}

// Version is the kernel version, the name of the modules directory.
func (t *Tree) Version() string { return t.version }

// Dir is the modules directory relative to the root, with slashes.
func (t *Tree) Dir() string { return t.rel }

// load reads the lists the kernel package ships and finds the modules.
func (t *Tree) load() error {
	steps := []func() error{t.loadModules, t.loadOrder, t.loadBuiltin, t.loadSoftdeps}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// loadModules takes the modules from modules.dep if depmod has run, else
// from the files under the modules directory.
func (t *Tree) loadModules() error {
	data, ok, err := t.optional("modules.dep")
	if err != nil || ok {
		t.files, t.deps = parseDep(data)
		return err
	}
	t.files, err = t.walkModules()
	return err
}

// optional reads a file of the modules directory; ok is false if absent.
func (t *Tree) optional(name string) (data []byte, ok bool, err error) {
	host, ok := t.root.isFile(t.rel + "/" + name)
	if !ok {
		return nil, false, nil
	}
	data, err = os.ReadFile(host)
	return data, err == nil, err
}

// walkModules finds every module file (symlinks are not followed). When
// two share a name, the one under updates/ wins, as in depmod's default
// search order, then the first by path.
func (t *Tree) walkModules() (map[string]string, error) {
	host, err := t.root.resolve(t.rel)
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	err = archive.Visit(host, archive.KeepLinks, func(rel, _ string, fi fs.FileInfo) error {
		if _, ok := moduleSuffix(path.Base(rel)); !ok || !fi.Mode().IsRegular() {
			return nil
		}
		name := nameOf(rel)
		if old, dup := files[name]; !dup || preferred(rel, old) {
			files[name] = rel
		}
		return nil
	})
	return files, err
}

// preferred reports whether module path a beats b for the same name.
func preferred(a, b string) bool {
	ua, ub := strings.HasPrefix(a, "updates/"), strings.HasPrefix(b, "updates/")
	if ua != ub {
		return ua
	}
	return a < b
}

// loadOrder orders the module names by modules.order, then by path.
func (t *Tree) loadOrder() error {
	data, _, err := t.optional("modules.order")
	if err != nil {
		return err
	}
	listed := map[string]bool{}
	for _, line := range lines(data) {
		name := nameOf(line)
		if p, ok := t.files[name]; ok && !listed[name] && uncompressed(p) == uncompressed(line) {
			listed[name] = true
			t.order = append(t.order, name)
		}
	}
	rest := make([]string, 0, len(t.files)-len(t.order))
	for name := range t.files {
		if !listed[name] {
			rest = append(rest, name)
		}
	}
	slices.SortFunc(rest, func(a, b string) int { return strings.Compare(t.files[a], t.files[b]) })
	t.order = append(t.order, rest...)
	return nil
}

// loadBuiltin reads modules.builtin and modules.builtin.modinfo.
func (t *Tree) loadBuiltin() error {
	data, _, err := t.optional("modules.builtin")
	if err != nil {
		return err
	}
	t.builtin = map[string]string{}
	for _, line := range lines(data) {
		t.builtin[nameOf(line)] = line
	}
	data, _, err = t.optional("modules.builtin.modinfo")
	t.binfo = parseBuiltinModinfo(data)
	return err
}

// loadSoftdeps reads modules.softdep.
func (t *Tree) loadSoftdeps() error {
	data, _, err := t.optional("modules.softdep")
	t.soft = parseSoftdepFile(data)
	return err
}

// Modules lists the names of the module files, in modules.order order and
// then by path.
func (t *Tree) Modules() []string { return slices.Clone(t.order) }

// Path returns a module file's path relative to the modules directory.
func (t *Tree) Path(name string) (string, bool) {
	p, ok := t.files[normalize(name)]
	return p, ok
}

// hostPath resolves a path of the modules directory inside the root.
func (t *Tree) hostPath(rel string) (string, error) {
	return t.root.resolve(path.Join(t.rel, rel))
}
