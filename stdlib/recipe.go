package stdlib

import (
	"context"
	"io/fs"
	"sort"

	"github.com/cairn-build/cairn/lang"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Target is what `cairn build NAME` produces, declared by target().
type Target struct {
	Name     string
	Doc      string
	Pos      syntax.Position
	Artifact *Artifact
	// attest signs the target's SBOM and provenance, when set.
	attest *x509Signer
}

// Recipe is an evaluated recipe: its targets and the sources they came from.
type Recipe struct {
	// File is the display name of the main recipe file.
	File    string
	targets map[string]*Target
	sources func(filename string) ([]byte, bool)
	// vmSSHKey: the recipe called vm_ssh_key().
	vmSSHKey bool
}

// Targets returns the recipe's targets sorted by name.
func (r *Recipe) Targets() []*Target {
	out := make([]*Target, 0, len(r.targets))
	for _, t := range r.targets {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Target returns the named target, or nil.
func (r *Recipe) Target(name string) *Target { return r.targets[name] }

// Options configures Evaluate.
type Options struct {
	// Project is the project directory; loads and local() stay inside it.
	Project fs.FS
	// Display prefixes file names in messages, e.g. "examples/hello".
	Display string
	// File is the main recipe, relative to Project (default "cairn.star").
	File string
	// Library is the bundled recipe library addressed as @cairn//.
	Library fs.FS
	// Libraries fetches the libraries LibrariesFile declares; nil makes
	// every load of one an error.
	Libraries LibrarySource
	// Print receives the recipe's print() output; nil discards it.
	Print func(thread *starlark.Thread, msg string)
	// Context, MaxSteps and BudgetHint bound the evaluation (see
	// lang.Options).
	Context    context.Context
	MaxSteps   uint64
	BudgetHint string
}

// Evaluate runs a recipe and returns its targets. Errors carry recipe
// positions (see package lang).
func Evaluate(opts Options) (*Recipe, error) {
	if opts.File == "" {
		opts.File = "cairn.star"
	}
	st := &evalState{project: opts.Project, targets: map[string]*Target{}}
	libs := &libraries{opts: opts, open: map[string]libResult{}}
	ev := newEvaluator(opts, st, libs.repo)
	if _, err := ev.Load(opts.File); err != nil {
		return nil, err
	}
	return &Recipe{File: displayName(opts.Display, opts.File), targets: st.targets, sources: ev.Source, vmSSHKey: st.vmSSHKey}, nil
}

// newEvaluator is the evaluator of opts whose builtins share st; repos
// opens declared libraries (nil: none can be loaded).
func newEvaluator(opts Options, st *evalState, repos func(string) (fs.FS, error)) *lang.Evaluator {
	ev := lang.New(lang.Options{
		Project:     opts.Project,
		Display:     opts.Display,
		Library:     opts.Library,
		Repos:       repos,
		Predeclared: Universe(),
		SetupThread: func(t *starlark.Thread) { t.SetLocal(stateKey, st) },
		Print:       opts.Print,
		Context:     opts.Context,
		MaxSteps:    opts.MaxSteps,
		BudgetHint:  opts.BudgetHint,
	})
	st.callStart = ev.CallStart
	return ev
}

func displayName(prefix, file string) string {
	if prefix == "" || prefix == "." {
		return file
	}
	return prefix + "/" + file
}

// evalState is the per-evaluation state the builtins share, reached through
// the thread (never a package global).
type evalState struct {
	project fs.FS
	targets map[string]*Target
	// callStart maps a call's "(" to the start of the call.
	callStart func(syntax.Position) syntax.Position
	// vmSSHKey: vm_ssh_key() was called.
	vmSSHKey bool
	// libraries collects library() calls; nil outside LibrariesFile.
	libraries map[string]*libraryDecl
}

const stateKey = "cairn.stdlib.state"

func stateOf(t *starlark.Thread) (*evalState, error) {
	st, _ := t.Local(stateKey).(*evalState)
	if st == nil {
		return nil, errOutsideEvaluate
	}
	return st, nil
}

// Source returns the text of a file the evaluation read, by its display
// name (as positions name it), for showing a recipe line.
func (r *Recipe) Source(filename string) ([]byte, bool) {
	if r.sources == nil {
		return nil, false
	}
	return r.sources(filename)
}
