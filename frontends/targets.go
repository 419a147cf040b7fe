package frontends

import (
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/stdlib"
	"github.com/moby/buildkit/util/suggest"
)

// FindTarget returns the named target or an error that lists the recipe's
// targets and suggests the nearest name.
func FindTarget(r *stdlib.Recipe, name string) (*stdlib.Target, error) {
	if t := r.Target(name); t != nil {
		return t, nil
	}
	var names []string
	for _, t := range r.Targets() {
		names = append(names, t.Name)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: nothing to build: the recipe declares no targets; add one with target(name, artifact)", r.File)
	}
	msg := fmt.Sprintf("%s: no target %q", r.File, name)
	if s, ok := suggest.Search(name, names, true); ok {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return nil, fmt.Errorf("%s; targets: %s", msg, strings.Join(names, ", "))
}
