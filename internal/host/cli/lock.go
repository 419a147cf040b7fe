package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cairn-build/cairn/frontends"
	"github.com/cairn-build/cairn/internal/host/engine"
	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"github.com/cairn-build/cairn/internal/pkgs/lock"
	"github.com/cairn-build/cairn/internal/pkgs/pkgsrc"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// runLock resolves every target's package requests and writes cairn.lock.
// It needs no engine: compiling a target is what asks the questions.
func runLock(e *env) error {
	fs := newFlags("lock", e)
	rf := addRecipeFlags(fs)
	plat := fs.String("platform", "", "`platforms` to lock rootfs() calls without arch= for, comma separated (default: this host's)")
	update := fs.Bool("update", false, "re-resolve every package and git() ref, or only the packages named as arguments")
	pf := addPackageFlags(fs, &rf.opts, false)
	secrets := addGitSecretFlag(fs)
	args, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(args) > 0 && !*update {
		return errUsage("usage: cairn lock [-f FILE] [--platform P] [--update [PKG...]]")
	}
	if err := rf.setPlatforms(*plat); err != nil {
		return err
	}
	if len(rf.opts.Platforms) == 0 {
		rf.opts.Platforms = []ocispecs.Platform{hostPlatform()}
	}
	opts := sourceOptions{fresh: *update && len(args) == 0, update: args, relock: true}
	rf.libs = libraryFlags{fresh: opts.fresh, secrets: *secrets}
	p, err := loadRecipe(e.ctx, rf, e.stderr)
	if err != nil {
		return err
	}
	if err := rf.readEnv(); err != nil {
		return err
	}
	src, old, err := newSource(p.dir, homeOf(engine.Config{}), rf.opts.Mirrors, pf, opts, e.stderr)
	if err != nil {
		return err
	}
	if err := checkUpdateNames(old, args); err != nil {
		return err
	}
	gsrc := newGitSource(old, false, opts.fresh, *secrets, e.stderr)
	// Compiling for the lock needs no context's files.
	rf.opts.Packages, rf.opts.Git, rf.opts.AnyContext = src, gsrc, true
	for _, t := range p.recipe.Targets() {
		for _, pl := range rf.opts.Platforms {
			req := frontends.Request{Options: rf.opts, Recipe: p.recipe}
			req.Target = t.Name
			if _, err := frontends.Definition(e.ctx, req, pl, hostPlatform()); err != nil {
				return err
			}
		}
	}
	f, err := src.Lockfile()
	if err != nil {
		return err
	}
	if f.Git, err = gitEntries(gsrc, p.libGit); err != nil {
		return err
	}
	if err := writeLock(e.stderr, filepath.Join(p.dir, "cairn.lock"), filepath.Join(filepath.Dir(rf.file), "cairn.lock"), old, f); err != nil {
		return err
	}
	sayNewer(e.stderr, rf.file, src.NewerThanLocked(), f)
	return nil
}

// sayNewer tells which locked packages the repositories offer in newer
// versions, and the command that takes them.
func sayNewer(w io.Writer, recipe string, newer []pkgsrc.Newer, f *lock.File) {
	kept := map[string]string{}
	for _, p := range f.Packages {
		kept[p.Name+":"+p.Arch] = p.Version
	}
	var lines, names []string
	for _, n := range newer {
		if kept[n.Name+":"+n.Arch] != n.Locked {
			continue // not kept at the old version after all
		}
		lines = append(lines, fmt.Sprintf("  %s:%s %s -> %s (%s)", n.Name, n.Arch, n.Locked, n.Offered, n.Repo))
		if !slices.Contains(names, n.Name) {
			names = append(names, n.Name)
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "cairn lock: %d locked package(s) are offered in newer versions by the recipe's repositories; the lock keeps them:\n%s\n", len(lines), strings.Join(lines, "\n"))
	fmt.Fprintf(w, "  to take them: cairn lock -f %s --update %s\n", recipe, strings.Join(names, " "))
}

func checkUpdateNames(old *lock.File, names []string) error {
	for _, n := range names {
		found := false
		for _, p := range lockPackages(old) {
			found = found || p == n
		}
		if !found {
			return errUsage("cairn lock --update %s: no package %q in cairn.lock", n, n)
		}
	}
	return nil
}

func lockPackages(f *lock.File) []string {
	if f == nil {
		return nil
	}
	out := make([]string, 0, len(f.Packages))
	for _, p := range f.Packages {
		out = append(out, p.Name)
	}
	for _, s := range f.Sources {
		out = append(out, s.Name)
	}
	return out
}

// writeLock writes the lockfile and says what changed.
func writeLock(w io.Writer, path, display string, old, f *lock.File) error {
	if len(f.Requests) == 0 && len(f.Git) == 0 && len(f.Sources) == 0 {
		fmt.Fprintln(w, "cairn lock: the recipe makes no package requests (no rootfs()) and resolves no git() refs; nothing to lock")
		return nil
	}
	if err := f.Write(path); err != nil {
		return err
	}
	added, removed, changed := lockDiff(old, f)
	sources := ""
	if len(f.Sources) > 0 {
		sources = fmt.Sprintf(", %d source package(s)", len(f.Sources))
	}
	fmt.Fprintf(w, "%s: %d request(s), %d package(s)%s; %d added, %d removed, %d changed%s\n",
		display, len(f.Requests), len(f.Packages), sources, added, removed, changed, gitSummary(old, f))
	return nil
}

// lockDiff counts packages (by name:arch) added, removed and changed in
// version between two lockfiles.
func lockDiff(old, f *lock.File) (added, removed, changed int) {
	before := map[string]string{}
	if old != nil {
		for _, p := range old.Packages {
			before[p.Name+":"+p.Arch] = p.Version
		}
	}
	after := map[string]string{}
	for _, p := range f.Packages {
		after[p.Name+":"+p.Arch] = p.Version
	}
	for k, v := range after {
		switch ov, ok := before[k]; {
		case !ok:
			added++
		case ov != v:
			changed++
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			removed++
		}
	}
	return added, removed, changed
}

// gitEntries are the git refs the recipe's sources and its libraries
// pinned, one entry per ref.
func gitEntries(srcs ...*gitsrc.Source) ([]lock.Git, error) {
	var out []lock.Git
	for _, s := range srcs {
		if s == nil {
			continue
		}
		es, err := s.Entries()
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if !slices.ContainsFunc(out, func(o lock.Git) bool { return o.URL == e.URL && o.Ref == e.Ref }) {
				out = append(out, e)
			}
		}
	}
	slices.SortFunc(out, func(a, b lock.Git) int { return strings.Compare(a.URL+"\x00"+a.Ref, b.URL+"\x00"+b.Ref) })
	return out, nil
}
