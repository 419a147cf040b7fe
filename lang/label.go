package lang

import (
	"io/fs"
	"path"
	"strings"

	"go.starlark.net/syntax"
)

// libraryRepo is the name of the bundled library's repository, as in
// load("@cairn//boards/pi.star", ...).
const libraryRepo = "cairn"

// file identifies one Starlark file: a clean, slash-separated path inside
// the project or inside the bundled library.
type file struct {
	lib  bool
	path string
}

// key identifies the file in the module cache.
func (f file) key() string {
	if f.lib {
		return "@" + libraryRepo + "//" + f.path
	}
	return "//" + f.path
}

// resolveModule turns the module string of a load statement at pos in
// file from into the file it names, or an error if it names none or would
// leave the project (or the library). Module strings are:
//
//	"x.star", "../lib/x.star"  relative to from's directory
//	"//lib/x.star"             relative to the root of from's repository
//	                           (the project, or the library for library files)
//	"@cairn//boards/pi.star"   inside the bundled library
func (e *Evaluator) resolveModule(from file, pos syntax.Position, module string) (file, *Error) {
	switch {
	case module == "":
		return file{}, errBadModule(pos, module, "empty module name")
	case strings.ContainsAny(module, "\\\x00"):
		return file{}, errBadModule(pos, module, "module names use forward slashes only")
	case strings.HasPrefix(module, "@"):
		return e.resolveRepo(pos, module)
	case strings.HasPrefix(module, "//"):
		return e.confine(from.lib, pos, module, module[len("//"):])
	case strings.HasPrefix(module, "/"):
		return file{}, errAbsolute(pos, module)
	}
	return e.confine(from.lib, pos, module, path.Join(path.Dir(from.path), module))
}

// resolveRepo resolves a module string of the form "@repo//path".
func (e *Evaluator) resolveRepo(pos syntax.Position, module string) (file, *Error) {
	repo, rest, ok := strings.Cut(module[len("@"):], "//")
	switch {
	case !ok:
		return file{}, errBadModule(pos, module, "want @cairn//path/to/file.star")
	case repo != libraryRepo:
		return file{}, errUnknownRepo(pos, module, repo)
	case e.opts.Library == nil:
		return file{}, errNoLibrary(pos, module)
	}
	return e.confine(true, pos, module, rest)
}

// confine cleans p and checks that it stays inside its repository.
func (e *Evaluator) confine(lib bool, pos syntax.Position, module, p string) (file, *Error) {
	if strings.HasPrefix(p, "/") {
		return file{}, errAbsolute(pos, module)
	}
	p = path.Clean(p)
	switch {
	case (p == ".." || strings.HasPrefix(p, "../")) && lib:
		return file{}, errEscapeLibrary(pos, module)
	case p == ".." || strings.HasPrefix(p, "../"):
		return file{}, errEscapeProject(pos, module, e.display)
	case p == "." || !fs.ValidPath(p):
		return file{}, errBadModule(pos, module, "not a file path")
	}
	return file{lib: lib, path: p}, nil
}
