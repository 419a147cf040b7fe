package lang

import (
	"cmp"
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Options configures an Evaluator.
type Options struct {
	// Project is the project directory. Loads may not escape it. Note that
	// confinement is by path: an fs.FS that follows symbolic links out of
	// the directory (os.DirFS does) should be replaced by os.Root's FS.
	Project fs.FS
	// Display prefixes project file names in positions and messages, e.g.
	// "examples/hello" makes cairn.star show as "examples/hello/cairn.star".
	// "" and "." mean no prefix.
	Display string
	// Library is the bundled library addressed as "@cairn//path.star".
	// Its files show as "@cairn//path.star". It may be nil.
	Library fs.FS
	// Repos, if non-nil, opens the library a project declares under a
	// name, for load("@NAME//path.star", ...): called once per name, on
	// its first load. An error (no such library, a failed fetch) is
	// reported at the load. Its files show as "@NAME//path.star".
	Repos func(name string) (fs.FS, error)
	// Predeclared are the names every file sees besides Starlark's
	// universe (cairn's builtins). Evaluation does not modify the dict.
	Predeclared starlark.StringDict
	// SetupThread, if non-nil, is called on every thread lang creates (one
	// per module), before evaluation, e.g. to install thread-locals.
	SetupThread func(*starlark.Thread)
	// Print receives the output of print(). If nil, the output is
	// discarded: lang itself never writes to the host.
	Print func(thread *starlark.Thread, msg string)
	// Context, when done, stops evaluation promptly (at the next Starlark
	// step) with an error that wraps context.Cause. Nil means never.
	Context context.Context
	// MaxSteps is the evaluation's step budget, shared by every module it
	// loads; 0 means DefaultMaxSteps. Running out is a *BudgetError.
	MaxSteps uint64
	// BudgetHint tells the user how to raise MaxSteps (the flag or option
	// of the caller); it ends the budget error's message.
	BudgetHint string
}

// DefaultMaxSteps is the step budget when Options.MaxSteps is 0: about 100
// times what the largest bundled recipe needs, a few seconds of a tight
// loop. Recipes have no while loops or recursion (see fileOptions), so only
// loops over huge ranges reach it.
const DefaultMaxSteps = 100_000_000

// Evaluator evaluates recipe files and the files they load, each at most
// once. It is safe for concurrent use; evaluations are serialized. A
// predeclared builtin must not call Load on the Evaluator running it.
type Evaluator struct {
	opts     Options
	display  string
	fileOpts *syntax.FileOptions

	mu      sync.Mutex
	budget  budget
	modules map[string]*module    // by file.key()
	repos   map[string]fs.FS      // opened libraries, by name
	srcMu   sync.Mutex            // guards sources apart from mu, so builtins may call Source during Load
	sources map[string][]byte     // by display file name
	calls   map[string]callStarts // by display file name, guarded by srcMu
}

// module is the cached outcome of evaluating one file.
type module struct {
	globals starlark.StringDict
	errs    ErrorList
	done    bool // false while the file is being evaluated (cycle detection)
}

// fileOptions is the Starlark dialect of recipes:
//   - Set: the set() builtin is useful for dependency lists and cheap.
//   - While off, Recursion off: every recipe terminates on its own
//     structure (loops only over finite collections), as in Bazel; the
//     step budget (Options.MaxSteps) bounds loops over huge ranges.
//   - TopLevelControl on: recipes may loop over boards or variants at top
//     level to declare targets without wrapping everything in a function.
//   - GlobalReassign off: a top-level name has one definition, so reading a
//     recipe never requires following reassignments.
//   - LoadBindsGlobally off: load() binds names local to the file, so a
//     module does not re-export what it loaded.
func fileOptions() *syntax.FileOptions {
	return &syntax.FileOptions{
		Set:             true,
		While:           false,
		TopLevelControl: true,
		GlobalReassign:  false,
		Recursion:       false,
	}
}

// New returns an Evaluator configured by opts.
func New(opts Options) *Evaluator {
	display := strings.TrimSuffix(opts.Display, "/")
	if display == "." {
		display = ""
	}
	max := opts.MaxSteps
	if max == 0 {
		max = DefaultMaxSteps
	}
	return &Evaluator{
		budget:   budget{ctx: opts.Context, max: max},
		opts:     opts,
		display:  display,
		fileOpts: fileOptions(),
		modules:  map[string]*module{},
		repos:    map[string]fs.FS{},
		sources:  map[string][]byte{},
		calls:    map[string]callStarts{},
	}
}

// Load evaluates the module at p and, first, the modules it loads, and
// returns its frozen globals. p is project-relative and slash separated
// ("cairn.star"); "//x.star" and "@cairn//x.star" are accepted too. Each
// module is evaluated at most once per Evaluator; later loads share the
// result (or the failure). All the loads of a file are evaluated before its
// first statement runs. A failure is an ErrorList.
func (e *Evaluator) Load(p string) (starlark.StringDict, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	defer e.budget.watch()()
	target, err := e.resolveModule(file{}, syntax.Position{}, p)
	if err != nil {
		return nil, ErrorList{err}
	}
	globals, errs := e.load(nil, target, LoadSite{Module: p})
	if len(errs) > 0 {
		return nil, errs
	}
	return globals, nil
}

// Source returns the bytes of an already-read file by its display name,
// the name that appears in syntax.Position.Filename(). Files that failed
// to parse are included.
func (e *Evaluator) Source(filename string) ([]byte, bool) {
	e.srcMu.Lock()
	defer e.srcMu.Unlock()
	src, ok := e.sources[filename]
	return src, ok
}

// load returns the globals of f, reached through site from the files on
// stack (outermost first). A site without a valid position is a top-level
// Load.
func (e *Evaluator) load(stack []file, f file, site LoadSite) (starlark.StringDict, ErrorList) {
	if m, ok := e.modules[f.key()]; ok {
		if !m.done {
			return nil, ErrorList{errCycle(site.Pos, e.chain(stack, f))}
		}
		return m.globals, throughSite(m.errs, site)
	}
	src, err := e.read(f, site)
	if err != nil {
		return nil, ErrorList{err}
	}
	m := &module{}
	e.modules[f.key()] = m
	m.globals, m.errs = e.exec(append(stack[:len(stack):len(stack)], f), f, src)
	m.done = true
	return m.globals, throughSite(m.errs, site)
}

// throughSite records that errs happened inside a file loaded at site.
func throughSite(errs ErrorList, site LoadSite) ErrorList {
	if len(errs) == 0 || !site.Pos.IsValid() {
		return errs
	}
	return errs.via(site)
}

// chain names the files of a load cycle closed by loading f again.
func (e *Evaluator) chain(stack []file, f file) []string {
	names := make([]string, 0, len(stack)+1)
	for _, s := range append(stack[:len(stack):len(stack)], f) {
		names = append(names, e.displayName(s))
	}
	return names
}

// exec parses, resolves and runs f (whose source is src), after loading
// its dependencies. stack ends with f.
func (e *Evaluator) exec(stack []file, f file, src []byte) (starlark.StringDict, ErrorList) {
	name := e.displayName(f)
	e.srcMu.Lock()
	e.sources[name] = src
	e.srcMu.Unlock()
	parsed, errs := parseFile(e.fileOpts, name, src)
	if len(errs) > 0 {
		return nil, errs
	}
	e.srcMu.Lock()
	e.calls[name] = callStartsOf(parsed)
	e.srcMu.Unlock()
	prog, err := starlark.FileProgram(parsed, e.opts.Predeclared.Has)
	deps, errs := e.loadDeps(stack, f, parsed)
	if err != nil {
		errs = append(errs, errResolve(err, e.builtins())...)
	}
	if len(errs) > 0 {
		return nil, inFileOrder(errs)
	}
	t := e.newThread(name, deps)
	e.budget.start(t)
	globals, err := prog.Init(t, e.opts.Predeclared)
	stopped := e.budget.end(t)
	globals.Freeze()
	if err != nil {
		return nil, ErrorList{e.evalError(err, stopped)}
	}
	return globals, nil
}

// loadDeps evaluates every module parsed loads, before any of its own
// statements run, so that all load errors of a file are reported together.
// It returns the globals by module string, for the thread's Load hook.
func (e *Evaluator) loadDeps(stack []file, from file, parsed *syntax.File) (map[string]starlark.StringDict, ErrorList) {
	deps := map[string]starlark.StringDict{}
	var errs ErrorList
	for _, stmt := range parsed.Stmts {
		load, ok := stmt.(*syntax.LoadStmt)
		if !ok {
			continue
		}
		globals, lerrs := e.loadStmt(stack, from, load)
		errs = append(errs, lerrs...)
		deps[load.ModuleName()] = globals
	}
	return deps, dedupe(errs)
}

// loadStmt evaluates the module of one load statement and checks that it
// defines the loaded names.
func (e *Evaluator) loadStmt(stack []file, from file, load *syntax.LoadStmt) (starlark.StringDict, ErrorList) {
	module := load.ModuleName()
	target, err := e.resolveModule(from, load.Load, module)
	if err != nil {
		return nil, ErrorList{err}
	}
	globals, errs := e.load(stack, target, LoadSite{Pos: load.Load, Module: module})
	if len(errs) > 0 {
		return nil, errs
	}
	return globals, checkNames(load, globals)
}

// checkNames reports each name load imports that globals lacks.
func checkNames(load *syntax.LoadStmt, globals starlark.StringDict) ErrorList {
	var errs ErrorList
	for _, id := range load.From {
		if !globals.Has(id.Name) {
			near := nearest(id.Name, exported(globals))
			errs = append(errs, errNameNotFound(id.NamePos, load.ModuleName(), id.Name, near))
		}
	}
	return errs
}

// exported lists the names of globals that another file may load, sorted.
func exported(globals starlark.StringDict) []string {
	var names []string
	for _, k := range globals.Keys() {
		if !strings.HasPrefix(k, "_") {
			names = append(names, k)
		}
	}
	return names
}

// inFileOrder sorts errors of one file by their position in it: for an
// error inside a loaded file, the position of the load statement.
func inFileOrder(errs ErrorList) ErrorList {
	at := func(e *Error) syntax.Position {
		if len(e.Via) > 0 {
			return e.Via[len(e.Via)-1].Pos
		}
		return e.Pos
	}
	slices.SortStableFunc(errs, func(a, b *Error) int {
		pa, pb := at(a), at(b)
		return cmp.Or(cmp.Compare(pa.Line, pb.Line), cmp.Compare(pa.Col, pb.Col))
	})
	return errs
}

// dedupe drops errors repeating an earlier one's position and message, as
// when two loaded files share a failing dependency.
func dedupe(errs ErrorList) ErrorList {
	seen := map[string]bool{}
	var out ErrorList
	for _, err := range errs {
		k := err.Pos.String() + "\x00" + err.Msg
		if !seen[k] {
			seen[k] = true
			out = append(out, err)
		}
	}
	return out
}

// newThread returns the thread that runs the file named name, whose loads
// are answered from deps.
func (e *Evaluator) newThread(name string, deps map[string]starlark.StringDict) *starlark.Thread {
	t := &starlark.Thread{
		Name:  "exec " + name,
		Print: e.opts.Print,
		Load: func(_ *starlark.Thread, module string) (starlark.StringDict, error) {
			return deps[module], nil
		},
	}
	if t.Print == nil {
		t.Print = func(*starlark.Thread, string) {}
	}
	if e.opts.SetupThread != nil {
		e.opts.SetupThread(t)
	}
	return t
}

// displayName is the name of f in positions and messages.
func (e *Evaluator) displayName(f file) string {
	switch {
	case f.repo != "":
		return f.key()
	case e.display == "":
		return f.path
	}
	return e.display + "/" + f.path
}

// read returns the bytes of f, which site asked for.
func (e *Evaluator) read(f file, site LoadSite) ([]byte, *Error) {
	fsys, name := e.opts.Project, e.displayName(f)
	switch {
	case f.repo == libraryRepo:
		fsys = e.opts.Library
	case f.repo != "":
		fsys = e.repos[f.repo]
	}
	if fsys == nil {
		return nil, errNotFound(site, name, "", fs.ErrNotExist)
	}
	info, err := fs.Stat(fsys, f.path)
	link, target, escapes := EscapingLink(fsys, f.path, err)
	switch {
	case escapes:
		return nil, errLinkOutside(site, name, link, target, err)
	case errors.Is(err, fs.ErrNotExist):
		return nil, errNotFound(site, name, suggestFile(fsys, f.path, site.Module), err)
	case err != nil:
		return nil, errRead(site.Pos, name, err)
	case info.IsDir():
		return nil, errIsDir(site, name)
	}
	src, err := fs.ReadFile(fsys, f.path)
	if err != nil {
		return nil, errRead(site.Pos, name, err)
	}
	return src, nil
}

// builtins lists the predeclared and universal names, sorted, for
// spelling suggestions.
func (e *Evaluator) builtins() []string {
	names := append(e.opts.Predeclared.Keys(), starlark.Universe.Keys()...)
	slices.Sort(names)
	return slices.Compact(names)
}
