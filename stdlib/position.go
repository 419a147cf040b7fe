package stdlib

import (
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// callPos is the start of the recipe call that invoked the running builtin
// (lang maps Starlark's "(" position to the start of the call). When the
// builtin was called by a function of the bundled library (@cairn//...),
// it is the user's call of that function instead: an error or a failing
// step should point at the line the user wrote.
func callPos(t *starlark.Thread) syntax.Position {
	p := t.CallFrame(1).Pos
	for i := 1; i < t.CallStackDepth() && isLibrary(p); i++ {
		if q := t.CallFrame(i).Pos; !isLibrary(q) && q.IsValid() {
			p = q
		}
	}
	st, err := stateOf(t)
	if err != nil || st.callStart == nil {
		return p
	}
	return st.callStart(p)
}

func isLibrary(p syntax.Position) bool { return strings.HasPrefix(p.Filename(), "@cairn//") }
