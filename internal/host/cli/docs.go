package cli

import (
	"github.com/cairn-build/cairn/stdlib"
)

func runDocs(e *env) error {
	fs := newFlags("docs", e)
	if err := parseNone(fs, e.args); err != nil {
		return err
	}
	return stdlib.WriteReference(e.stdout)
}
