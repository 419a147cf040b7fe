package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cairn-build/cairn/stdlib"
	"github.com/moby/buildkit/client/llb"
	"github.com/tonistiigi/fsutil"
)

// contextFlag collects --context NAME=DIR: the directories a recipe's
// context(NAME) reads. Each is served as its own session local, so only
// the targets that read it transfer it.
type contextFlag map[string]string

func (c *contextFlag) String() string { return "" }

func (c *contextFlag) Set(v string) error {
	name, dir, ok := strings.Cut(v, "=")
	if !ok || !stdlib.ValidContextName(name) || dir == "" {
		return fmt.Errorf("want NAME=DIR, NAME lower-case letters, digits, \".\", \"_\", \"-\" as context(NAME) names it, got %q", v)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	if info, err := os.Stat(abs); err != nil || !info.IsDir() {
		return fmt.Errorf("%s=%s: %s is not a directory; pass an existing directory (relative to the current one)", name, dir, dir)
	}
	if *c == nil {
		*c = contextFlag{}
	}
	(*c)[name] = abs
	return nil
}

// states are the contexts as the compiler takes them.
func (c contextFlag) states() map[string]llb.State {
	out := make(map[string]llb.State, len(c))
	for name := range c {
		out[name] = stdlib.ContextLocal(name)
	}
	return out
}

// mounts adds the contexts' session locals to a solve's.
func (c contextFlag) mounts(into map[string]fsutil.FS) error {
	names := make([]string, 0, len(c))
	for n := range c {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fs, err := fsutil.NewFS(c[n])
		if err != nil {
			return fmt.Errorf("--context %s=%s: %w", n, c[n], err)
		}
		into[stdlib.ContextLocalName(n)] = fs
	}
	return nil
}
