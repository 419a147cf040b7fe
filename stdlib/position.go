package stdlib

import (
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// callPos is the start of the recipe call that invoked the running builtin
// (lang maps Starlark's "(" position to the start of the call).
func callPos(t *starlark.Thread) syntax.Position {
	p := t.CallFrame(1).Pos
	st, err := stateOf(t)
	if err != nil || st.callStart == nil {
		return p
	}
	return st.callStart(p)
}
