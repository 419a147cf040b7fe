package lang

import "go.starlark.net/syntax"

// callStarts maps the position of a call's "(" - what Starlark records for
// a call - to where the call expression starts, which is what an author
// looks for: `out = run(` is reported at `run`, not at `(`.
type callStarts map[[2]int32]syntax.Position

func callStartsOf(f *syntax.File) callStarts {
	cs := callStarts{}
	syntax.Walk(f, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok {
			start, _ := call.Fn.Span()
			cs[[2]int32{call.Lparen.Line, call.Lparen.Col}] = start
		}
		return true
	})
	return cs
}

// CallStart returns where the call whose "(" is at p starts, or p itself
// when p is not a call's parenthesis in a file this Evaluator parsed.
// Builtins use it to position what they create at the recipe's call.
func (e *Evaluator) CallStart(p syntax.Position) syntax.Position {
	e.srcMu.Lock()
	defer e.srcMu.Unlock()
	if start, ok := e.calls[p.Filename()][[2]int32{p.Line, p.Col}]; ok {
		return start
	}
	return p
}
