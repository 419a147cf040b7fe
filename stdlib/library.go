package stdlib

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"github.com/cairn-build/cairn/internal/suggest"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// A board vendor ships its boards as a library: a tree of .star files a
// project loads as load("@acme//boards/x.star", ...). The project declares
// each library once, in LibrariesFile beside its recipe, with library():
// where it comes from (a git() commit or signed tag, an http() archive
// pinned by sha256, a directory on this machine). The declarations are a
// file of their own because load statements run before anything else in
// a file: they cannot depend on a call in the file that makes them.
//
// Libraries are read when the recipe is evaluated, so they are fetched
// where the evaluation runs, by a LibrarySource: the CLI keeps them in its
// home, so a library is fetched once and later builds (--locked ones
// offline) read it from there; the gateway frontend reads them through
// the engine. A git library's ref is pinned like any git() ref: the
// commit (and the tag's signer) is recorded in cairn.lock.

// LibrariesFile declares a project's libraries, beside its recipe.
const LibrariesFile = "libraries.star"

// LibrarySource brings a declared library's files to the evaluation.
type LibrarySource interface {
	// GitLibrary resolves req (from cairn.lock, or the remote, verifying
	// a signed tag) and returns the files of its commit.
	GitLibrary(ctx context.Context, req gitsrc.Request) (fs.FS, error)
	// HTTPLibrary returns the files of the tar archive (plain, gzip, xz
	// or zstd) at url whose SHA-256 is sum ("sha256:HEX").
	HTTPLibrary(ctx context.Context, url, sum string) (fs.FS, error)
	// LocalLibrary returns the files of a directory on this machine,
	// dir as written: absolute, or relative to the project directory.
	LocalLibrary(dir string) (fs.FS, error)
}

var libraryBuiltin = Builtin{
	Name:    "library",
	Summary: "Declares a library of .star files the project loads as `@NAME//path.star`; only in `" + LibrariesFile + "`.",
	Params: []Param{
		{Name: "name", Type: "string", Doc: "the name loads use: `load(\"@NAME//boards/x.star\", ...)`; lower-case letters, digits and `_`, not `cairn`"},
		{Name: "git", Type: "artifact", Default: "None", Doc: "a `git()` source: a signed tag (`ref` with `verify`) or a `commit`; the ref is pinned in `cairn.lock` like any git() ref"},
		{Name: "http", Type: "artifact", Default: "None", Doc: "an `http()` file pinned by sha256: a tar archive, plain or compressed with gzip, xz or zstd"},
		{Name: "path", Type: "string", Default: "None", Doc: "a directory on this machine, absolute or relative to the project directory, read as it is (not pinned): for developing a library beside a project"},
		{Name: "subdir", Type: "string", Default: `""`, Doc: "the library's root inside the tree or archive, e.g. `\"acme-boards-1.2\"` for an archive with a top directory"},
	},
	Returns: "None",
	Doc: "Give exactly one of `git`, `http` and `path`. The file `" + LibrariesFile + "` beside the recipe holds the project's " +
		"`library()` calls (it may `load()` project files and `@cairn//`, not other libraries). A library's files load " +
		"their own files (relative, or `//path` from the library's root), `@cairn//` and the project's other libraries. " +
		"`cairn` fetches a git or http library once into its home (`$CAIRN_HOME/libraries`); `--locked` builds take the " +
		"commit from `cairn.lock` and need no network once the library was fetched. See docs/boards.md.",
	Example: `library(name = "acme", git = git("https://git.example.org/acme/boards.git", ref = "v1.2", verify = keyring("keys/acme.asc")))`,
	fn:      libraryFn,
}

// libraryDecl is one library() call.
type libraryDecl struct {
	name   string
	pos    syntax.Position
	git    *gitNode
	http   *httpNode
	path   string
	subdir string
}

var libraryNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func libraryFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	d := &libraryDecl{pos: callPos(t)}
	var g, h *Artifact
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name", &d.name, "git?", &g, "http?", &h, "path?", &d.path, "subdir?", &d.subdir); err != nil {
		return nil, err
	}
	if err := d.check(g, h); err != nil {
		return nil, err
	}
	st, err := stateOf(t)
	if err != nil {
		return nil, err
	}
	if st.libraries == nil {
		return nil, fmt.Errorf("library: declares a library only in %s beside the recipe, whose libraries the recipe's loads then see", LibrariesFile)
	}
	if prev, ok := st.libraries[d.name]; ok {
		return nil, fmt.Errorf("library: %q is already declared at %s", d.name, prev.pos)
	}
	st.libraries[d.name] = d
	return starlark.None, nil
}

// check validates the arguments against each other.
func (d *libraryDecl) check(g, h *Artifact) error {
	switch {
	case !libraryNameRE.MatchString(d.name):
		return errParam("library", "name", quote(d.name), "lower-case letters, digits and _, starting with a letter")
	case d.name == "cairn":
		return errParam("library", "name", `"cairn"`, "another name: @cairn is the bundled library")
	}
	n := 0
	if g != nil {
		n++
		if d.git, _ = g.node.(*gitNode); d.git == nil {
			return errParam("library", "git", g.String(), "the artifact git() returns")
		}
	}
	if h != nil {
		n++
		if d.http, _ = h.node.(*httpNode); d.http == nil {
			return errParam("library", "http", h.String(), "the artifact http() returns")
		}
	}
	if d.path != "" {
		n++
	}
	if n != 1 {
		return fmt.Errorf("library: give exactly one of git, http and path (got %d)", n)
	}
	if d.subdir != "" {
		clean := path.Clean(d.subdir)
		if !fs.ValidPath(clean) || clean == "." {
			return errParam("library", "subdir", quote(d.subdir), "a relative directory inside the library's tree")
		}
		d.subdir = clean
	}
	return nil
}

// libraries opens the libraries a project declares, for lang's Repos:
// the declarations are evaluated on the first @NAME// load, each library
// fetched on its own first load.
type libraries struct {
	opts  Options
	once  sync.Once
	decls map[string]*libraryDecl
	err   error
	mu    sync.Mutex
	open  map[string]libResult
}

type libResult struct {
	fsys fs.FS
	err  error
}

// repo implements lang.Options.Repos.
func (l *libraries) repo(name string) (fs.FS, error) {
	l.once.Do(l.declare)
	if l.err != nil {
		return nil, l.err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if r, ok := l.open[name]; ok {
		return r.fsys, r.err
	}
	fsys, err := l.fetch(name)
	l.open[name] = libResult{fsys, err}
	return fsys, err
}

// declare evaluates LibrariesFile, if the project has one.
func (l *libraries) declare() {
	l.decls = map[string]*libraryDecl{}
	file := path.Join(path.Dir(l.opts.File), LibrariesFile)
	if _, err := fs.Stat(l.opts.Project, file); errors.Is(err, fs.ErrNotExist) {
		return
	}
	st := &evalState{project: l.opts.Project, targets: map[string]*Target{}, libraries: l.decls}
	ev := newEvaluator(l.opts, st, nil) // declarations load no libraries
	if _, err := ev.Load(file); err != nil {
		l.err = fmt.Errorf("in %s:\n%w", displayName(l.opts.Display, file), err)
		return
	}
	if len(st.targets) > 0 {
		l.err = fmt.Errorf("%s declares targets; declare them in the recipe, and only library() calls in %s", displayName(l.opts.Display, file), LibrariesFile)
	}
}

// fetch brings one declared library's files.
func (l *libraries) fetch(name string) (fs.FS, error) {
	d, ok := l.decls[name]
	if !ok {
		return nil, l.undeclared(name)
	}
	if l.opts.Libraries == nil {
		return nil, fmt.Errorf("declared at %s, but this evaluation cannot fetch libraries", d.pos)
	}
	ctx := l.opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	var fsys fs.FS
	var err error
	switch {
	case d.git != nil:
		req := d.git.request()
		fsys, err = l.opts.Libraries.GitLibrary(ctx, req)
	case d.http != nil:
		fsys, err = l.opts.Libraries.HTTPLibrary(ctx, d.http.url, d.http.sum)
	default:
		fsys, err = l.opts.Libraries.LocalLibrary(d.path)
	}
	if err != nil {
		return nil, fmt.Errorf("declared at %s: %w", d.pos, err)
	}
	if d.subdir == "" {
		return fsys, nil
	}
	if info, err := fs.Stat(fsys, d.subdir); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("declared at %s: subdir %q is not a directory of the library", d.pos, d.subdir)
	}
	return fs.Sub(fsys, d.subdir)
}

// undeclared explains a load of a library nobody declared.
func (l *libraries) undeclared(name string) error {
	file := displayName(l.opts.Display, path.Join(path.Dir(l.opts.File), LibrariesFile))
	if len(l.decls) == 0 {
		return fmt.Errorf("no library %q is declared: declare it in %s, e.g. library(name = %q, git = git(URL, ref = TAG, verify = keyring(KEYS)))", name, file, name)
	}
	names := make([]string, 0, len(l.decls))
	for n := range l.decls {
		names = append(names, n)
	}
	sort.Strings(names)
	msg := fmt.Sprintf("no library %q is declared in %s (it declares %s)", name, file, strings.Join(names, ", "))
	if s := suggest.One(name, names); s != "" {
		msg += fmt.Sprintf("; did you mean @%s?", s)
	}
	return errors.New(msg)
}
