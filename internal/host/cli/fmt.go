package cli

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cairn-build/cairn/internal/host/starfmt"
)

// starFiles are the .star files of paths: files as given, directories
// walked (skipping hidden ones and cairn's outputs), sorted.
func starFiles(paths []string) ([]string, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && q != p && (strings.HasPrefix(d.Name(), ".") || d.Name() == "out") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(q, ".star") {
				out = append(out, q)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// eachStar parses a command line of PATHs and calls do with each .star
// file under them and its content; it returns how many there were.
func eachStar(fs *flag.FlagSet, args []string, do func(path string, data []byte) error) (int, error) {
	paths, err := parse(fs, args)
	if err != nil {
		return 0, err
	}
	files, err := starFiles(paths)
	if err != nil {
		return 0, err
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return 0, err
		}
		if err := do(f, data); err != nil {
			return 0, fmt.Errorf("cairn %s: %w", strings.TrimPrefix(fs.Name(), "cairn "), err)
		}
	}
	return len(files), nil
}

func runFmt(e *env) error {
	fs := newFlags("fmt", e)
	check := fs.Bool("check", false, "change nothing: list the files that are not formatted and fail if there are any (for CI)")
	var unformatted []string
	n, err := eachStar(fs, e.args, func(f string, data []byte) error {
		out, err := starfmt.Format(f, data)
		if err != nil || bytes.Equal(out, data) {
			return err
		}
		unformatted = append(unformatted, f)
		if *check {
			fmt.Fprintln(e.stdout, f)
			return nil
		}
		fmt.Fprintf(e.stderr, "cairn fmt: formatted %s\n", f)
		return writeFileAtomic(f, out)
	})
	if err != nil {
		return err
	}
	if *check && len(unformatted) > 0 {
		return fmt.Errorf("cairn fmt --check: %d of %d .star files are not formatted; run cairn fmt %s", len(unformatted), n, strings.Join(unformatted, " "))
	}
	return nil
}

func runLint(e *env) error {
	fs := newFlags("lint", e)
	found := 0
	n, err := eachStar(fs, e.args, func(f string, data []byte) error {
		findings, err := starfmt.Lint(f, data)
		for _, x := range findings {
			fmt.Fprintf(e.stdout, "%s:%s\n", f, x)
		}
		found += len(findings)
		return err
	})
	if err != nil {
		return err
	}
	if found > 0 {
		return fmt.Errorf("cairn lint: %d finding(s) in %d .star file(s)", found, n)
	}
	return nil
}

// writeFileAtomic replaces path's content, keeping its mode.
func writeFileAtomic(path string, data []byte) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	tmp := path + ".cairn-fmt"
	if err := os.WriteFile(tmp, data, info.Mode().Perm()); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
