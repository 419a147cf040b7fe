package stdlib

import (
	"fmt"
	"sort"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

// Builtin is one entry of the builtin table: the function and the
// documentation docs/ is generated from.
type Builtin struct {
	Name    string
	Summary string
	Params  []Param
	Returns string
	Doc     string
	Example string
	fn      builtinFunc
}

// Param documents one parameter of a builtin.
type Param struct {
	Name    string
	Type    string
	Default string // empty: required
	Doc     string
}

type builtinFunc func(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error)

// Builtins returns the builtin table, sorted by name.
func Builtins() []Builtin {
	table := []Builtin{
		aptRepoBuiltin,
		archiveBuiltin,
		checksumsBuiltin,
		contextBuiltin,
		diskBuiltin,
		debPackageBuiltin,
		efiSignBuiltin,
		efiVarsBuiltin,
		debSourceBuiltin,
		filesBuiltin,
		fsImageBuiltin,
		gitBuiltin,
		httpBuiltin,
		initramfsBuiltin,
		isoBuiltin,
		kernelBuiltin,
		kernelModuleBuiltin,
		keyringBuiltin,
		libraryBuiltin,
		localBuiltin,
		mergeBuiltin,
		ociImageBuiltin,
		packageFilesBuiltin,
		partitionBuiltin,
		pickBuiltin,
		rawWriteBuiltin,
		repoDebBuiltin,
		rootfsBuiltin,
		runBuiltin,
		sbomBuiltin,
		scratchBuiltin,
		secretBuiltin,
		sshAgentBuiltin,
		transitBuiltin,
		ukiBuiltin,
		userBuiltin,
		vmProfileBuiltin,
		vmSSHKeyBuiltin,
		targetBuiltin,
	}
	sort.Slice(table, func(i, j int) bool { return table[i].Name < table[j].Name })
	return table
}

// Universe returns the predeclared names of a recipe: the builtin table plus
// go.starlark.net's own universe (len, str, ...). A dotted name such as
// "repo.deb" becomes a member of a module value ("repo").
func Universe() starlark.StringDict {
	u := starlark.StringDict{"struct": starlark.NewBuiltin("struct", starlarkstruct.Make)}
	for _, b := range Builtins() {
		mod, member, dotted := strings.Cut(b.Name, ".")
		if !dotted {
			u[b.Name] = starlark.NewBuiltin(b.Name, b.call)
			continue
		}
		m, _ := u[mod].(*starlarkstruct.Module)
		if m == nil {
			m = &starlarkstruct.Module{Name: mod, Members: starlark.StringDict{}}
			u[mod] = m
		}
		m.Members[member] = starlark.NewBuiltin(b.Name, b.call)
	}
	return u
}

// call runs the builtin and, when Starlark rejects a keyword, suggests the
// nearest documented parameter instead of Starlark's own suggestion (which
// considers only some of the parameters).
func (b Builtin) call(t *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	v, err := b.fn(t, fn, args, kwargs)
	if err == nil {
		return v, nil
	}
	for _, kv := range kwargs {
		k := string(kv[0].(starlark.String))
		unexpected := fmt.Sprintf("%s: unexpected keyword argument %q", b.Name, k)
		if !b.hasParam(k) && strings.HasPrefix(err.Error(), unexpected) {
			return v, fmt.Errorf("%s %s", unexpected, nearestParam(k, b.Params))
		}
	}
	return v, err
}

func (b Builtin) hasParam(name string) bool {
	for _, p := range b.Params {
		if p.Name == name {
			return true
		}
	}
	return false
}

func nearestParam(k string, ps []Param) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	if n := nearest(k, names); n != "" {
		return "(did you mean " + n + "?)"
	}
	if len(names) == 0 {
		return "(it takes no arguments)"
	}
	return "(parameters: " + strings.Join(names, ", ") + ")"
}
