package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/cairn-build/cairn/recipes"
	"github.com/cairn-build/cairn/stdlib"
	"go.starlark.net/starlark"
)

// project is an evaluated recipe and where it lives.
type project struct {
	dir    string // absolute project directory
	recipe *stdlib.Recipe
}

// loadRecipe evaluates the recipe file; print() output goes to stderr.
func loadRecipe(file string, stderr io.Writer) (*project, error) {
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
		Project: root.FS(), // confined: symlinks cannot lead loads out of the project
		Display: display,
		File:    name,
		Library: recipes.FS,
		Print:   func(_ *starlark.Thread, msg string) { fmt.Fprintln(stderr, msg) },
	})
	if err != nil {
		return nil, err
	}
	return &project{dir: dir, recipe: r}, nil
}
