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
// the project (repo "") or inside a repository: the bundled library
// ("cairn") or a library the project declares (Options.Repos).
type file struct {
	repo string
	path string
}

// key identifies the file in the module cache.
func (f file) key() string {
	if f.repo != "" {
		return "@" + f.repo + "//" + f.path
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
//	"@acme//boards/x.star"     inside a library the project declares
func (e *Evaluator) resolveModule(from file, pos syntax.Position, module string) (file, *Error) {
	switch {
	case module == "":
		return file{}, errBadModule(pos, module, "empty module name")
	case strings.ContainsAny(module, "\\\x00"):
		return file{}, errBadModule(pos, module, "module names use forward slashes only")
	case strings.HasPrefix(module, "@"):
		return e.resolveRepo(pos, module)
	case strings.HasPrefix(module, "//"):
		return e.confine(from.repo, pos, module, module[len("//"):])
	case strings.HasPrefix(module, "/"):
		return file{}, errAbsolute(pos, module)
	}
	return e.confine(from.repo, pos, module, path.Join(path.Dir(from.path), module))
}

// resolveRepo resolves a module string of the form "@repo//path".
func (e *Evaluator) resolveRepo(pos syntax.Position, module string) (file, *Error) {
	repo, rest, ok := strings.Cut(module[len("@"):], "//")
	switch {
	case !ok || repo == "":
		return file{}, errBadModule(pos, module, "want @cairn//path/to/file.star or @LIBRARY//path/to/file.star")
	case repo == libraryRepo && e.opts.Library == nil:
		return file{}, errNoLibrary(pos, module)
	case repo != libraryRepo:
		if err := e.openRepo(pos, module, repo); err != nil {
			return file{}, err
		}
	}
	return e.confine(repo, pos, module, rest)
}

// openRepo makes a declared library's files available, asking
// Options.Repos once per name.
func (e *Evaluator) openRepo(pos syntax.Position, module, repo string) *Error {
	if _, ok := e.repos[repo]; ok {
		return nil
	}
	if e.opts.Repos == nil {
		return errUnknownRepo(pos, module, repo, nil)
	}
	fsys, err := e.opts.Repos(repo)
	if err != nil {
		return errUnknownRepo(pos, module, repo, err)
	}
	e.repos[repo] = fsys
	return nil
}

// confine cleans p and checks that it stays inside its repository.
func (e *Evaluator) confine(repo string, pos syntax.Position, module, p string) (file, *Error) {
	if strings.HasPrefix(p, "/") {
		return file{}, errAbsolute(pos, module)
	}
	p = path.Clean(p)
	switch {
	case (p == ".." || strings.HasPrefix(p, "../")) && repo != "":
		return file{}, errEscapeLibrary(pos, module, repo)
	case p == ".." || strings.HasPrefix(p, "../"):
		return file{}, errEscapeProject(pos, module, e.display)
	case p == "." || !fs.ValidPath(p):
		return file{}, errBadModule(pos, module, "not a file path")
	}
	return file{repo: repo, path: p}, nil
}
