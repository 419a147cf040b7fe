package kmod

import (
	"slices"
	"strings"
)

// Module is one selected module.
type Module struct {
	// Name is the module's name, with underscores.
	Name string
	// Path is the module file relative to the modules directory or, for a
	// built-in module, its entry in modules.builtin.
	Path string
	// Builtin is true for a module built into the kernel: it needs no file.
	Builtin bool
}

// Selection is the closure of some modules, in load order, with the
// firmware they name.
type Selection struct {
	tree *Tree
	// Modules lists the selected modules, each after its dependencies.
	Modules []Module
	// Firmware lists the firmware files found, in module order.
	Firmware []Firmware
	// Missing lists the firmware named by a module but not found.
	Missing []Firmware
}

// Select looks up each name like modprobe (see [Tree.Lookup]) and returns
// the closure over hard and soft dependencies in load order. A name that
// matches nothing is an error naming the nearest known modules; a soft
// dependency that matches nothing is skipped, as by modprobe.
func (t *Tree) Select(names ...string) (*Selection, error) {
	s := &selector{t: t, seen: map[string]bool{}}
	for _, n := range names {
		mods, err := t.Lookup(n)
		if err != nil {
			return nil, err
		}
		if len(mods) == 0 {
			return nil, errUnknown(n, t.rel, nearest(normalize(n), t.allNames()))
		}
		for _, m := range mods {
			if err := s.visit(m); err != nil {
				return nil, err
			}
		}
	}
	sel := &Selection{tree: t, Modules: s.out}
	return sel, sel.findFirmware()
}

// allNames lists every module and built-in module name.
func (t *Tree) allNames() []string {
	names := slices.Clone(t.order)
	for n := range t.builtin {
		names = append(names, n)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// selector walks the dependency graph depth first.
type selector struct {
	t    *Tree
	seen map[string]bool
	out  []Module
}

// visit appends name after everything it needs, "post:" soft
// dependencies after it. A module is marked on entry, so cycles through
// soft dependencies end.
func (s *selector) visit(name string) error {
	if s.seen[name] {
		return nil
	}
	s.seen[name] = true
	path, ok := s.t.files[name]
	if !ok {
		s.out = append(s.out, Module{Name: name, Path: s.t.builtin[name], Builtin: true})
		return nil
	}
	deps, err := s.t.hardDeps(name)
	if err != nil {
		return err
	}
	pre, post, err := s.t.softDeps(name)
	if err != nil {
		return err
	}
	if err := s.visitAll(append(sorted(deps), pre...)); err != nil {
		return err
	}
	s.out = append(s.out, Module{Name: name, Path: path})
	return s.visitAll(post)
}

// visitAll visits names in order.
func (s *selector) visitAll(names []string) error {
	for _, n := range names {
		if err := s.visit(n); err != nil {
			return err
		}
	}
	return nil
}

// sorted returns a sorted copy.
func sorted(names []string) []string {
	out := slices.Clone(names)
	slices.Sort(out)
	return out
}

// hardDeps lists a module's dependencies: all of them from modules.dep,
// else the direct ones from .modinfo. Each must be a module file or built
// in.
func (t *Tree) hardDeps(name string) ([]string, error) {
	deps := t.deps[name]
	if t.deps == nil {
		m, err := t.modinfo(name)
		if err != nil {
			return nil, err
		}
		deps = m.depends
	}
	for _, d := range deps {
		if _, ok := t.files[d]; !ok && t.builtin[d] == "" {
			return nil, errMissingDep(name, d, t.rel)
		}
	}
	return deps, nil
}

// softDeps resolves a module's soft dependencies from .modinfo and
// modules.softdep; "weakdep" entries count as "post:".
func (t *Tree) softDeps(name string) (pre, post []string, err error) {
	m, err := t.modinfo(name)
	if err != nil {
		return nil, nil, err
	}
	var preNames, postNames []string
	for _, v := range append(slices.Clone(m.softdeps), t.soft[name]...) {
		p, q := parseSoftdep(v)
		preNames, postNames = append(preNames, p...), append(postNames, q...)
	}
	postNames = append(postNames, m.weakdeps...)
	if pre, err = t.lookupAll(preNames); err != nil {
		return nil, nil, err
	}
	post, err = t.lookupAll(postNames)
	return pre, post, err
}

// lookupAll resolves names, dropping those that match nothing and
// repeats.
func (t *Tree) lookupAll(names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		mods, err := t.Lookup(n)
		if err != nil {
			return nil, err
		}
		for _, m := range mods {
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// Deps returns what modules.dep would list for a module file: the paths of
// all its hard dependencies, each after those that depend on it (modprobe
// loads them from the end).
func (t *Tree) Deps(name string) ([]string, error) {
	name = normalize(name)
	if _, ok := t.files[name]; !ok {
		return nil, errUnknown(name, t.rel, nearest(name, t.allNames()))
	}
	s := &selector{t: t, seen: map[string]bool{}}
	if err := s.visitHard(name); err != nil {
		return nil, err
	}
	var out []string
	for _, m := range slices.Backward(s.out[:len(s.out)-1]) {
		out = append(out, m.Path)
	}
	return out, nil
}

// visitHard is visit without soft dependencies or built-in modules.
func (s *selector) visitHard(name string) error {
	if s.seen[name] || s.t.files[name] == "" {
		return nil
	}
	s.seen[name] = true
	deps, err := s.t.hardDeps(name)
	if err != nil {
		return err
	}
	for _, d := range sorted(deps) {
		if err := s.visitHard(d); err != nil {
			return err
		}
	}
	s.out = append(s.out, Module{Name: name, Path: s.t.files[name]})
	return nil
}

// String formats a module as the helper prints it: "name path", or
// "name builtin" for a built-in module.
func (m Module) String() string {
	if m.Builtin {
		return m.Name + " builtin"
	}
	return strings.Join([]string{m.Name, m.Path}, " ")
}
