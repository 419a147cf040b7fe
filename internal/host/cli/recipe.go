package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/cairn-build/cairn/frontends"
	"github.com/cairn-build/cairn/recipes"
	"github.com/cairn-build/cairn/stdlib"
	"go.starlark.net/starlark"
)

// project is an evaluated recipe and where it lives.
type project struct {
	dir    string // absolute project directory
	recipe *stdlib.Recipe
}

// recipeFlags are the flags of every command that evaluates a recipe, and
// the build options its flags and the environment fill (see options.go).
type recipeFlags struct {
	file string
	opts frontends.Options
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
	r, err := stdlib.Evaluate(stdlib.Options{
		Project:    root.FS(), // confined: symlinks cannot lead loads out of the project
		Display:    display,
		File:       name,
		Library:    recipes.FS,
		Print:      func(_ *starlark.Thread, msg string) { fmt.Fprintln(stderr, msg) },
		Context:    ctx,
		MaxSteps:   rf.opts.MaxSteps,
		BudgetHint: fmt.Sprintf("if the recipe is right, raise the budget with --max-steps %d", rf.opts.MaxSteps*10),
	})
	if err != nil {
		return nil, err
	}
	return &project{dir: dir, recipe: r}, nil
}
