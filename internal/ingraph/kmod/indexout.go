package kmod

import (
	"fmt"
	"path"
	"strings"
)

// writeIndex writes the module lists of the output.
func (s *Selection) writeIndex(w *writer) error {
	steps := []func() (string, []byte, error){s.depFile, s.orderFile, s.aliasFile, s.softdepFile}
	for _, step := range steps {
		name, data, err := step()
		if err != nil {
			return err
		}
		if data != nil {
			if err := w.writeFile(path.Join(w.mods, name), data); err != nil {
				return err
			}
		}
	}
	for _, name := range copied {
		data, ok, err := s.tree.optional(name)
		if err == nil && ok {
			err = w.writeFile(path.Join(w.mods, name), data)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// selected returns the set of selected module files, by name.
func (s *Selection) selected() map[string]bool {
	set := map[string]bool{}
	for _, m := range s.Modules {
		set[m.Name] = !m.Builtin
	}
	return set
}

// depFile filters modules.dep, or makes its lines for the selection.
func (s *Selection) depFile() (string, []byte, error) {
	const name = "modules.dep"
	set := s.selected()
	data, ok, err := s.tree.optional(name)
	if err != nil || ok {
		return name, filterLines(data, func(l string) bool { mod, _, _ := strings.Cut(l, ":"); return set[nameOf(mod)] }), err
	}
	var b strings.Builder
	for _, n := range s.tree.order {
		if !set[n] {
			continue
		}
		deps, err := s.tree.Deps(n)
		if err != nil {
			return name, nil, err
		}
		b.WriteString(strings.Join(append([]string{s.tree.files[n] + ":"}, deps...), " ") + "\n")
	}
	return name, []byte(b.String()), nil
}

// orderFile filters modules.order, if present; it names compressed
// modules by their ".ko" path.
func (s *Selection) orderFile() (string, []byte, error) {
	const name = "modules.order"
	keep := map[string]bool{}
	for _, m := range s.Modules {
		keep[uncompressed(m.Path)] = !m.Builtin
	}
	data, ok, err := s.tree.optional(name)
	if err != nil || !ok {
		return name, nil, err
	}
	return name, filterLines(data, func(l string) bool { return keep[uncompressed(l)] }), nil
}

// aliasFile copies modules.alias, or makes it from the selected modules'
// .modinfo as depmod would.
func (s *Selection) aliasFile() (string, []byte, error) {
	return s.listFile("modules.alias", "# Aliases extracted from modules themselves.\n",
		func(n string, m *modinfo) (out []string) {
			for _, a := range m.aliases {
				out = append(out, fmt.Sprintf("alias %s %s", a, n))
			}
			return out
		})
}

// softdepFile copies modules.softdep, or makes it from the selected
// modules' .modinfo as depmod would.
func (s *Selection) softdepFile() (string, []byte, error) {
	return s.listFile("modules.softdep", "# Soft dependencies extracted from modules themselves.\n",
		func(n string, m *modinfo) (out []string) {
			for _, v := range m.softdeps {
				out = append(out, fmt.Sprintf("softdep %s %s", n, v))
			}
			return out
		})
}

// listFile copies name if present, else writes header and the lines of
// each selected module file, in module order.
func (s *Selection) listFile(name, header string, linesOf func(string, *modinfo) []string) (string, []byte, error) {
	data, ok, err := s.tree.optional(name)
	if err != nil || ok {
		return name, data, err
	}
	set := s.selected()
	var b strings.Builder
	b.WriteString(header)
	for _, n := range s.tree.order {
		if !set[n] {
			continue
		}
		m, err := s.tree.modinfo(n)
		if err != nil {
			return name, nil, err
		}
		for _, l := range linesOf(n, m) {
			b.WriteString(l + "\n")
		}
	}
	return name, []byte(b.String()), nil
}

// filterLines keeps the lines of data that keep accepts, comments and
// blank lines dropped, each ending in a newline.
func filterLines(data []byte, keep func(string) bool) []byte {
	var b strings.Builder
	for _, l := range lines(data) {
		if keep(l) {
			b.WriteString(l + "\n")
		}
	}
	return []byte(b.String())
}
