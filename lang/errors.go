package lang

import (
	"errors"
	"fmt"
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Error is one positioned problem found while evaluating recipes.
type Error struct {
	// Pos is where the problem is: for a nested load, a position in the
	// inner file. It is the zero Position for errors tied to no file,
	// such as a missing top-level recipe.
	Pos syntax.Position
	// Msg describes the problem, without the position.
	Msg string
	// Backtrace is the Starlark call stack of a runtime error
	// ("Traceback (most recent call last):" and one line per frame),
	// or "" when the stack would add nothing to Pos.
	Backtrace string
	// Via lists the load statements that led to the file holding Pos,
	// innermost first.
	Via []LoadSite
	// Err is the underlying cause, if any (a *starlark.EvalError, an
	// fs error, ...), for errors.Is and errors.As.
	Err error
}

// LoadSite is a load statement through which a failing file was reached.
type LoadSite struct {
	Pos    syntax.Position // position of the load statement
	Module string          // the module string exactly as written
}

// Error formats the error as "file.star:LINE:COL: message", followed by
// the backtrace and the chain of load statements, one per line.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Pos.IsValid() {
		b.WriteString(e.Pos.String() + ": ")
	}
	b.WriteString(e.Msg)
	if e.Backtrace != "" {
		b.WriteString("\n" + e.Backtrace)
	}
	for _, s := range e.Via {
		fmt.Fprintf(&b, "\n  loaded by %s: load(%q)", s.Pos, s.Module)
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrorList is every error of one evaluation, in source order. Load returns
// it (as an error) whenever it fails; use errors.As to get it back.
type ErrorList []*Error

// Error formats every error, one after the other on separate lines.
func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap exposes the individual errors to errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// via returns a copy of l in which every error also went through site.
// The copies keep cached errors of shared modules unchanged.
func (l ErrorList) via(site LoadSite) ErrorList {
	out := make(ErrorList, len(l))
	for i, e := range l {
		c := *e
		c.Via = append(append([]LoadSite(nil), e.Via...), site)
		out[i] = &c
	}
	return out
}

// The constructors below are the only places that word lang's errors.

func errBadModule(pos syntax.Position, module, why string) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf("load %q: %s", module, why)}
}

func errAbsolute(pos syntax.Position, module string) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(
		"load %q: absolute paths are not allowed; loads must stay inside the project "+
			"(use a path relative to the project, or @cairn// for the bundled library)", module)}
}

func errEscapeProject(pos syntax.Position, module, display string) *Error {
	dir := "the project directory"
	if display != "" {
		dir += " " + display
	}
	return &Error{Pos: pos, Msg: fmt.Sprintf(
		"load %q: escapes %s; loads must stay inside the project "+
			"(use a path relative to the project, or @cairn// for the bundled library)", module, dir)}
}

func errEscapeLibrary(pos syntax.Position, module, repo string) *Error {
	what := "the library @" + repo
	if repo == libraryRepo {
		what = "the bundled library"
	}
	return &Error{Pos: pos, Msg: fmt.Sprintf(
		"load %q: escapes %s; its files may load its own files (relative or //path), @cairn// and the project's libraries", module, what)}
}

// errUnknownRepo reports a repository that is not @cairn and that
// Options.Repos did not open (err, nil when there is no Repos at all).
func errUnknownRepo(pos syntax.Position, module, repo string, err error) *Error {
	if err == nil {
		return &Error{Pos: pos, Msg: fmt.Sprintf(
			"load %q: unknown repository @%s; the only repository is @cairn (the bundled library)", module, repo)}
	}
	return &Error{Pos: pos, Msg: fmt.Sprintf("load %q: library @%s: %v", module, repo, err), Err: err}
}

func errNoLibrary(pos syntax.Position, module string) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf("load %q: no bundled @cairn library is available", module)}
}

// errNotFound reports a missing file; site.Module is "" for none.
func errNotFound(site LoadSite, file, suggestion string, err error) *Error {
	msg := fmt.Sprintf("file not found (%s)", file)
	if site.Pos.IsValid() {
		msg = fmt.Sprintf("load %q: %s", site.Module, msg)
	}
	if suggestion != "" {
		msg += fmt.Sprintf("; did you mean %q?", suggestion)
	}
	return &Error{Pos: site.Pos, Msg: msg, Err: err}
}

// errLinkOutside reports a module reached through a symbolic link that
// leaves the project.
func errLinkOutside(site LoadSite, file, link, target string, err error) *Error {
	to := ""
	if target != "" {
		to = " (to " + target + ")"
	}
	msg := fmt.Sprintf("%s is reached through %s, a symbolic link that points outside the project%s; loads must stay inside the project", file, link, to)
	if site.Pos.IsValid() {
		msg = fmt.Sprintf("load %q: %s", site.Module, msg)
	}
	return &Error{Pos: site.Pos, Msg: msg, Err: err}
}

func errRead(pos syntax.Position, file string, err error) *Error {
	return &Error{Pos: pos, Msg: "reading " + file + ": " + err.Error(), Err: err}
}

func errIsDir(site LoadSite, file string) *Error {
	return &Error{Pos: site.Pos, Msg: fmt.Sprintf("load %q: %s is a directory, not a .star file", site.Module, file)}
}

func errCycle(pos syntax.Position, chain []string) *Error {
	return &Error{Pos: pos, Msg: "cycle in load graph: " + strings.Join(chain, " -> ")}
}

func errNameNotFound(pos syntax.Position, module, name, suggestion string) *Error {
	msg := fmt.Sprintf("load %q: %s is not defined in that file", module, name)
	if suggestion != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", suggestion)
	}
	return &Error{Pos: pos, Msg: msg}
}

// errUnpositioned wraps a failure that carries no position of its own.
func errUnpositioned(err error) *Error {
	return &Error{Msg: err.Error(), Err: err}
}

func errSyntax(e syntax.Error) *Error {
	return &Error{Pos: e.Pos, Msg: e.Msg, Err: e}
}

// errResolve turns a resolver failure into one Error per problem, keeping
// the resolver's "did you mean" suggestions. The resolver cannot suggest
// predeclared names, so for an undefined name without a suggestion,
// errResolve looks for one among builtins (sorted names).
func errResolve(err error, builtins []string) ErrorList {
	var list resolve.ErrorList
	if !errors.As(err, &list) {
		return ErrorList{errUnpositioned(err)}
	}
	out := make(ErrorList, len(list))
	for i, e := range list {
		out[i] = &Error{Pos: e.Pos, Msg: withBuiltinHint(e.Msg, builtins), Err: e}
	}
	return out
}

// withBuiltinHint adds a suggestion from builtins to an "undefined: NAME"
// message that has none.
func withBuiltinHint(msg string, builtins []string) string {
	name, ok := strings.CutPrefix(msg, "undefined: ")
	if !ok || strings.Contains(name, " ") {
		return msg
	}
	if near := nearest(name, builtins); near != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", near)
	}
	return msg
}

// errEval turns a runtime failure into an Error positioned at the innermost
// Starlark frame, with the call stack as backtrace when it has more than
// that one frame.
func errEval(err error, callStart func(syntax.Position) syntax.Position) *Error {
	var ee *starlark.EvalError
	if !errors.As(err, &ee) {
		return errUnpositioned(err)
	}
	frames := starlarkFrames(ee.CallStack)
	e := &Error{Msg: ee.Msg, Err: err}
	if len(frames) > 0 {
		e.Pos = frames[len(frames)-1].Pos
	}
	if len(frames) < len(ee.CallStack) {
		e.Pos = callStart(e.Pos) // raised inside a builtin: point at the call
	}
	if len(frames) > 1 {
		e.Backtrace = strings.TrimSuffix(frames.String(), "\n")
	}
	return e
}

// starlarkFrames drops the trailing frames of built-in functions, whose
// positions say nothing about the recipe.
func starlarkFrames(stack starlark.CallStack) starlark.CallStack {
	for len(stack) > 0 && isBuiltin(stack[len(stack)-1]) {
		stack = stack[:len(stack)-1]
	}
	return stack
}

func isBuiltin(fr starlark.CallFrame) bool {
	return !fr.Pos.IsValid() || fr.Pos.Filename() == "<builtin>"
}
