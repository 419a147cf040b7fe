package stdlib

import (
	"sort"

	"go.starlark.net/starlark"
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
		archiveBuiltin,
		filesBuiltin,
		httpBuiltin,
		localBuiltin,
		mergeBuiltin,
		runBuiltin,
		scratchBuiltin,
		targetBuiltin,
	}
	sort.Slice(table, func(i, j int) bool { return table[i].Name < table[j].Name })
	return table
}

// Universe returns the predeclared names of a recipe: the builtin table plus
// go.starlark.net's own universe (len, str, ...).
func Universe() starlark.StringDict {
	u := starlark.StringDict{}
	for _, b := range Builtins() {
		u[b.Name] = starlark.NewBuiltin(b.Name, b.fn)
	}
	return u
}
