package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"path/filepath"
	"slices"
	"sync"

	"github.com/cairn-build/cairn/frontends"
	"github.com/cairn-build/cairn/internal/host/engine"
	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"github.com/cairn-build/cairn/internal/host/libsrc"
	"github.com/cairn-build/cairn/internal/pkgs/lock"
	"github.com/cairn-build/cairn/recipes"
	"github.com/cairn-build/cairn/stdlib"
	"go.starlark.net/starlark"
)

// project is an evaluated recipe and where it lives.
type project struct {
	dir    string // absolute project directory
	recipe *stdlib.Recipe
	// libGit pinned the git refs of the libraries the recipe loaded,
	// for cairn.lock; nil when the project declares none.
	libGit *gitsrc.Source
}

// recipeFlags are the flags of every command that evaluates a recipe, and
// the build options its flags and the environment fill (see options.go).
type recipeFlags struct {
	file string
	opts frontends.Options
	// libs says how the libraries the project declares are fetched; the
	// command fills it from its own flags before loadRecipe.
	libs libraryFlags
}

// libraryFlags are the settings of a command that fetching libraries
// (stdlib.LibrariesFile) follows.
type libraryFlags struct {
	locked, fresh bool
	secrets       secretFlag
	home          string // cairn's home; "" for the default one
	// local, when set, collects the directories of path libraries the
	// evaluation opened, even when it failed (cairn watch).
	local *localLibraries
}

// localLibraries are the directories of path libraries opened.
type localLibraries struct {
	mu   sync.Mutex
	dirs []string
}

func (l *localLibraries) add(dir string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !slices.Contains(l.dirs, dir) {
		l.dirs = append(l.dirs, dir)
	}
}

func (l *localLibraries) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.dirs)
}

// addRecipeFlags registers -f and --max-steps.
func addRecipeFlags(fs *flag.FlagSet) *recipeFlags {
	r := &recipeFlags{opts: frontends.NewOptions()}
	fs.StringVar(&r.file, "f", "cairn.star", "recipe `file`")
	fs.Var(maxStepsFlag{&r.opts.MaxSteps}, "max-steps", "evaluation step `budget`: a recipe that runs longer stops with an error naming the line")
	return r
}

// loadRecipe evaluates the recipe file; print() output goes to stderr.
// Ctrl-C (ctx) stops it at the next Starlark step.
func loadRecipe(ctx context.Context, rf *recipeFlags, stderr io.Writer) (*project, error) {
	file := rf.file
	if !fileExists(file) {
		return nil, fmt.Errorf("%s: recipe not found; pass the recipe with -f FILE (default cairn.star in the current directory)", file)
	}
	dir, display, name := projectOf(file)
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("project directory: %w", err)
	}
	defer root.Close()
	libs, libGit, err := librarySource(dir, name, rf.libs, stderr)
	if err != nil {
		return nil, err
	}
	r, err := stdlib.Evaluate(stdlib.Options{
		Project:    root.FS(), // confined: symlinks cannot lead loads out of the project
		Display:    display,
		File:       name,
		Library:    recipes.FS,
		Libraries:  libs,
		Print:      func(_ *starlark.Thread, msg string) { fmt.Fprintln(stderr, msg) },
		Context:    ctx,
		MaxSteps:   rf.opts.MaxSteps,
		BudgetHint: fmt.Sprintf("if the recipe is right, raise the budget with --max-steps %d", rf.opts.MaxSteps*10),
	})
	if err != nil {
		return nil, err
	}
	return &project{dir: dir, recipe: r, libGit: libGit}, nil
}

// librarySource fetches the libraries of a project that declares some,
// into cairn's home, pinning git refs in (or taking them from) cairn.lock.
func librarySource(dir, recipe string, f libraryFlags, stderr io.Writer) (stdlib.LibrarySource, *gitsrc.Source, error) {
	if !fileExists(filepath.Join(dir, filepath.Dir(recipe), stdlib.LibrariesFile)) {
		return nil, nil, nil
	}
	lf, err := lock.Read(filepath.Join(dir, "cairn.lock"))
	if err != nil {
		return nil, nil, err
	}
	home := f.home
	if home == "" {
		home = homeOf(engine.Config{})
	}
	gs := newGitSource(lf, f.locked, f.fresh, f.secrets, stderr)
	cfg := libsrc.Config{Git: gs, Cache: filepath.Join(home, "libraries"), Project: dir, Log: progressLine(stderr)}
	if f.local != nil {
		cfg.Local = f.local.add
	}
	src := libsrc.New(cfg)
	return src, gs, nil
}
