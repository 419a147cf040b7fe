package cli

import (
	"github.com/cairn-build/cairn/stdlib"
)

func runDocs(e *env) error {
	fs := newFlags("docs", e)
	stubs := fs.Bool("stubs", false, "write the builtins as a Python stub file for Starlark language servers instead (docs/editors.md)")
	if err := parseNone(fs, e.args); err != nil {
		return err
	}
	if *stubs {
		return stdlib.WriteStubs(e.stdout)
	}
	return stdlib.WriteReference(e.stdout)
}
