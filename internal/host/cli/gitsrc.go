package cli

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"github.com/cairn-build/cairn/internal/pkgs/lock"
)

// git() refs are resolved on this machine (git ls-remote), so a private
// repository needs its credentials here as well as in the engine: the
// same --secret serves both, read here only while resolving, never
// written anywhere.

// newGitSource returns the resolver for git() refs: cairn.lock first, then
// the remotes, unless locked.
func newGitSource(lf *lock.File, locked, fresh bool, secrets secretFlag, log io.Writer) *gitsrc.Source {
	return gitsrc.New(gitsrc.Config{Lock: lf, Locked: locked, Fresh: fresh, Secret: secrets.value, Log: progressLine(log)})
}

// value reads a --secret's value, for resolving a private repository.
func (s secretFlag) value(id string) ([]byte, bool) {
	for _, src := range s {
		if src.ID != id {
			continue
		}
		if src.Env != "" {
			v, ok := os.LookupEnv(src.Env)
			return []byte(v), ok
		}
		b, err := os.ReadFile(src.FilePath)
		return b, err == nil
	}
	return nil, false
}

// addGitSecretFlag is --secret for commands that only resolve (cairn lock).
func addGitSecretFlag(fs *flag.FlagSet) *secretFlag {
	s := &secretFlag{}
	fs.Var(s, "secret", "secret `id=NAME,src=FILE` or id=NAME,env=VAR that git(auth = secret(\"NAME\")) needs to resolve a private repository (repeatable)")
	return s
}

// gitSummary is what writeLock adds about git() refs: how many are pinned
// and how many moved since the old lock.
func gitSummary(old, f *lock.File) string {
	if len(f.Git) == 0 {
		return ""
	}
	moved := 0
	for _, g := range f.Git {
		if o, ok := old.LookupGit(g.URL, g.Ref); ok && o.Commit != g.Commit {
			moved++
		}
	}
	return fmt.Sprintf("; %d git ref(s), %d moved", len(f.Git), moved)
}
