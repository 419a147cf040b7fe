package cli

import (
	"bytes"
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

func runFmt(e *env) error {
	fs := newFlags("fmt", e)
	check := fs.Bool("check", false, "change nothing: list the files that are not formatted and fail if there are any (for CI)")
	args, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	files, err := starFiles(args)
	if err != nil {
		return err
	}
	var unformatted []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		out, err := starfmt.Format(f, data)
		if err != nil {
			return fmt.Errorf("cairn fmt: %w", err)
		}
		if bytes.Equal(out, data) {
			continue
		}
		unformatted = append(unformatted, f)
		if *check {
			fmt.Fprintln(e.stdout, f)
			continue
		}
		if err := writeFileAtomic(f, out); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "cairn fmt: formatted %s\n", f)
	}
	if *check && len(unformatted) > 0 {
		return fmt.Errorf("cairn fmt --check: %d of %d .star files are not formatted; run cairn fmt %s", len(unformatted), len(files), strings.Join(unformatted, " "))
	}
	return nil
}

func runLint(e *env) error {
	fs := newFlags("lint", e)
	args, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	files, err := starFiles(args)
	if err != nil {
		return err
	}
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		findings, err := starfmt.Lint(f, data)
		if err != nil {
			return fmt.Errorf("cairn lint: %w", err)
		}
		for _, x := range findings {
			fmt.Fprintf(e.stdout, "%s:%s\n", f, x)
		}
		n += len(findings)
	}
	if n > 0 {
		return fmt.Errorf("cairn lint: %d finding(s) in %d .star file(s)", n, len(files))
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
