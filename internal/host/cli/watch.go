package cli

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/cairn-build/cairn/internal/host/why"
)

// cairn watch rebuilds a target when a file it reads changes: the recipe
// and every .star file of the project (what load() can reach), and the
// files of its local() trees as the last build's step record lists them
// (what the engine was sent). It polls their stat data, so it needs no
// inotify and sees a tree that was replaced whole; a burst of edits is
// one rebuild, after the files have been still for --debounce.

// pollInterval is how often watch looks at the files.
const pollInterval = 250 * time.Millisecond

func runWatch(e *env) error {
	fs := newFlags("watch", e)
	var f buildFlags
	addBuildFlags(fs, &f, "plain")
	debounce := fs.Duration("debounce", 300*time.Millisecond, "how long the files must be still after a change before the rebuild")
	withVM := fs.Bool("vm", false, "boot the target with cairn vm after each successful build, stopping the previous boot first")
	vf := addVMFlags(fs)
	name, err := oneTarget(fs, e.args, "cairn watch [-f FILE] [-o DIR] TARGET [--vm]")
	if err != nil {
		return err
	}
	if vf.login || vf.expect != "" || vf.halt {
		return errUsage("cairn watch --vm boots with the console on this terminal: --login, --expect and --halt are cairn vm's")
	}
	var qemu *exec.Cmd
	stopVM := func() {
		if qemu != nil {
			qemu.Process.Kill()
			qemu.Wait()
			qemu = nil
		}
	}
	defer stopVM()
	f.recipe.libs.local = &localLibraries{}
	for round := 1; ; round++ {
		fmt.Fprintf(e.stderr, "cairn watch: build %d of %s\n", round, name)
		stopVM()
		plan, err := buildOnce(e, f, name)
		if err != nil {
			if e.ctx.Err() != nil {
				return err
			}
			report(e.stderr, err)
		} else if *withVM {
			if qemu, err = startVM(e, plan, name, vf); err != nil {
				report(e.stderr, err)
			}
		}
		watched := watchedFiles(f, name)
		fmt.Fprintf(e.stderr, "cairn watch: watching %d files; Ctrl-C stops\n", len(watched))
		if err := waitForChange(e.ctx, watched, *debounce); err != nil {
			return err
		}
	}
}

// buildOnce evaluates the recipe again (it may be what changed) and
// builds the target.
func buildOnce(e *env, f buildFlags, name string) (*buildPlan, error) {
	plan, err := planBuild(e, f, []string{name})
	if err != nil {
		return nil, err
	}
	return plan, plan.run(e)
}

// startVM boots the built target in the background, its console on the
// terminal.
func startVM(e *env, plan *buildPlan, name string, vf *vmFlags) (*exec.Cmd, error) {
	b, err := plan.vmBoot(e, name, vf)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(e.ctx, b.qemu, b.args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, e.stdout, e.stderr
	if err := cmd.Start(); err != nil {
		b.cleanup()
		return nil, err
	}
	go func() {
		cmd.Wait()
		b.cleanup()
	}()
	return cmd, nil
}

// watchedFiles are the recipe, the .star files of the project and of
// its path libraries, and the files the target's local trees and named
// contexts sent in its last build.
func watchedFiles(f buildFlags, name string) []string {
	recipe, _ := filepath.Abs(f.recipe.file)
	dir := filepath.Dir(recipe)
	seen := map[string]bool{recipe: true}
	outAbs, _ := filepath.Abs(f.out)
	roots := []string{dir}
	if f.recipe.libs.local != nil {
		roots = append(roots, f.recipe.libs.local.list()...)
	}
	for _, root := range roots {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() && p != root && (strings.HasPrefix(d.Name(), ".") || p == outAbs) {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(p, ".star") {
				seen[p] = true
			}
			return nil
		})
	}
	cur, _ := whyPaths(f.out, name)
	if rec, err := why.Read(cur); err == nil {
		for _, s := range rec.Steps {
			base, ok := localDirOf(dir, f.contexts, s.Local())
			if !ok {
				continue
			}
			for p := range s.Files {
				seen[filepath.Join(base, p)] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	return out
}

// stamp is the stat data of the watched files ("" for a missing one).
func stamp(paths []string) map[string]string {
	m := make(map[string]string, len(paths))
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			m[p] = fmt.Sprintf("%d@%d", st.Size(), st.ModTime().UnixNano())
		} else {
			m[p] = ""
		}
	}
	return m
}

func same(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// waitForChange returns once a watched file changed and all have been
// still for debounce since, or when ctx ends.
func waitForChange(ctx context.Context, paths []string, debounce time.Duration) error {
	base := stamp(paths)
	last, lastChange := base, time.Time{}
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-tick.C:
		}
		now := stamp(paths)
		if !same(now, last) {
			last, lastChange = now, time.Now()
			continue
		}
		if !lastChange.IsZero() && !same(now, base) && time.Since(lastChange) >= debounce {
			return nil
		}
	}
}
