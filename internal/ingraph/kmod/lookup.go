package kmod

import (
	"runtime"
	"slices"
	"strings"
	"sync"
)

// modinfo returns a module's .modinfo (a built-in module's lines of
// modules.builtin.modinfo), read once.
func (t *Tree) modinfo(name string) (*modinfo, error) {
	if p, ok := t.files[name]; ok {
		return t.fileModinfo(name, p)
	}
	if m := t.binfo[name]; m != nil {
		return m, nil
	}
	return &modinfo{}, nil
}

// fileModinfo reads and caches the .modinfo of the module file at rel.
func (t *Tree) fileModinfo(name, rel string) (*modinfo, error) {
	t.mu.Lock()
	m := t.info[name]
	t.mu.Unlock()
	if m != nil {
		return m, nil
	}
	host, err := t.hostPath(rel)
	if err != nil {
		return nil, errModule(name, rel, err)
	}
	if m, err = readModinfo(host); err != nil {
		return nil, errModule(name, rel, err)
	}
	t.mu.Lock()
	t.info[name] = m
	t.mu.Unlock()
	return m, nil
}

// Lookup resolves a name the way kmod's modprobe does, first match wins:
// a module file of that name; else every module file with a matching
// alias; else every built-in module with a matching alias; else a
// built-in module of that name ("crc32" is built in, yet modprobe loads
// the crc32_pclmul and crc32_generic modules that carry it as an alias).
// Several matches come in byte order. Dashes and underscores are the same.
func (t *Tree) Lookup(name string) ([]string, error) {
	n := normalize(name)
	if _, ok := t.files[n]; ok {
		return []string{n}, nil
	}
	aliases, err := t.loadAliases()
	if err != nil {
		return nil, err
	}
	if out := matching(aliases, n); len(out) > 0 {
		return out, nil
	}
	if out := matching(t.builtinAliases(), n); len(out) > 0 {
		return out, nil
	}
	if _, ok := t.builtin[n]; ok {
		return []string{n}, nil
	}
	return nil, nil
}

// matching lists the modules with an alias matching name, in byte order.
func matching(x *aliasIndex, name string) []string {
	out := slices.Clone(x.exact[name])
	for _, g := range x.globs {
		if strings.HasPrefix(name, g.prefix) && matchGlob(g.pattern, name) && !slices.Contains(out, g.module) {
			out = append(out, g.module)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// loadAliases returns modules.alias if depmod wrote one, else the aliases
// in every module file's .modinfo.
func (t *Tree) loadAliases() (*aliasIndex, error) {
	t.aliasOnce.Do(func() {
		data, ok, err := t.optional("modules.alias")
		switch {
		case err != nil:
			t.aliasErr = err
		case ok:
			t.aliases = newAliasIndex(parseAliasFile(data))
		default:
			var list []alias
			list, t.aliasErr = t.scanAliases()
			t.aliases = newAliasIndex(list)
		}
	})
	return t.aliases, t.aliasErr
}

// builtinAliases lists the aliases of built-in modules, by name.
func (t *Tree) builtinAliases() *aliasIndex {
	t.builtinOnce.Do(func() { t.baliases = newAliasIndex(t.listBuiltinAliases()) })
	return t.baliases
}

// listBuiltinAliases reads the aliases of modules.builtin.modinfo.
func (t *Tree) listBuiltinAliases() []alias {
	var names []string
	for n := range t.binfo {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []alias
	for _, n := range names {
		for _, p := range t.binfo[n].aliases {
			out = append(out, alias{normalize(p), n})
		}
	}
	return out
}

// scanAliases reads every module's .modinfo, on all CPUs, and lists their
// aliases in module order.
func (t *Tree) scanAliases() ([]alias, error) {
	if err := t.readAll(); err != nil {
		return nil, err
	}
	var out []alias
	for _, name := range t.order {
		for _, p := range t.info[name].aliases {
			out = append(out, alias{normalize(p), name})
		}
	}
	return out, nil
}

// readAll reads the .modinfo of every module file into the cache.
func (t *Tree) readAll() error {
	names := make(chan string)
	errs := make([]error, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			for name := range names {
				if _, err := t.fileModinfo(name, t.files[name]); err != nil && errs[i] == nil {
					errs[i] = err
				}
			}
		})
	}
	for _, name := range t.order {
		names <- name
	}
	close(names)
	wg.Wait()
	return firstError(errs)
}

// firstError returns the first non-nil error.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
