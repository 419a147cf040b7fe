package stdlib

import (
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// callStarts maps the position of a call's "(" - what Starlark records for
// a call - to where the call expression starts, which is what an author
// looks for: `out = run(` is reported at `run`, not at `(`.
type callStarts map[[2]int32]syntax.Position

// callPos is the start of the recipe call that invoked the running builtin.
func callPos(t *starlark.Thread) syntax.Position {
	p := t.CallFrame(1).Pos
	st, err := stateOf(t)
	if err != nil {
		return p
	}
	if start, ok := st.callStarts(p.Filename())[[2]int32{p.Line, p.Col}]; ok {
		return start
	}
	return p
}

func (st *evalState) callStarts(filename string) callStarts {
	if cs, ok := st.calls[filename]; ok {
		return cs
	}
	cs := callStarts{}
	st.calls[filename] = cs
	src, ok := st.source(filename)
	if !ok {
		return cs
	}
	f, err := permissive.Parse(filename, src, 0)
	if err != nil {
		return cs
	}
	syntax.Walk(f, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok {
			start, _ := call.Fn.Span()
			cs[[2]int32{call.Lparen.Line, call.Lparen.Col}] = start
		}
		return true
	})
	return cs
}

// permissive parses any file lang accepted; only the tree's shape is used.
var permissive = &syntax.FileOptions{Set: true, While: true, TopLevelControl: true, GlobalReassign: true, Recursion: true}
