package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want files of testdata/errors/*.txtar from actual stderr (review the result by hand)")

// TestErrors runs cairn in-process on each bad project in testdata/errors
// and checks what the user is told. Every case fails before an engine is
// needed; BUILDKIT_HOST points nowhere so a case that reaches the engine
// fails loudly instead of starting one.
//
// The archive comment holds:
//
//	# free text describing the case
//	exit: N          (optional; default 1)
//	env: NAME=VALUE  (optional, repeatable)
//	known: WHY       (optional: the message is known to be wrong, see checkMessage)
//	COMMAND ARGS...  (one line; $DIR is the project directory)
//
// The files are the project. Unless the command line has -f, cairn gets
// -f $DIR/cairn.star. Each line of the "want" file must appear in stderr,
// in which the project directory reads $DIR, and no line of the optional
// "reject" file may.
func TestErrors(t *testing.T) {
	paths, err := filepath.Glob("testdata/errors/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata/errors/*.txtar (%v)", err)
	}
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) { runErrorCase(t, p) })
	}
}

// errorCase is one parsed archive.
type errorCase struct {
	args   []string
	exit   int
	env    [][2]string
	want   []string
	reject []string
	known  string
}

func runErrorCase(t *testing.T, path string) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := parseErrorCase(ar)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	isolate(t, c.env)
	dir := writeProject(t, ar)
	code, stderr := runCairn(t, c.args, dir)
	if *update {
		rewriteWant(t, path, ar, stderr)
	}
	if code != c.exit {
		t.Errorf("exit code %d, want %d; stderr:\n%s", code, c.exit, stderr)
	}
	if strings.Contains(stderr, "nonexistent") {
		t.Errorf("the case reached the engine; stderr:\n%s", stderr)
	}
	c.checkMessage(t, stderr)
}

// checkMessage compares stderr with want and reject. A case marked known
// documents a message still to be fixed: it is skipped while it fails and
// fails once the message is right, so the mark gets removed.
func (c *errorCase) checkMessage(t *testing.T, stderr string) {
	problems := c.mismatches(stderr)
	switch {
	case c.known != "" && len(problems) > 0:
		t.Skipf("known issue: %s\n%s\nstderr:\n%s", c.known, strings.Join(problems, "\n"), stderr)
	case c.known != "":
		t.Errorf("known issue fixed (%s): remove the known: line", c.known)
	case len(problems) > 0:
		t.Errorf("%s\nstderr:\n%s", strings.Join(problems, "\n"), stderr)
	}
}

func (c *errorCase) mismatches(stderr string) []string {
	var out []string
	for _, w := range c.want {
		if !strings.Contains(stderr, w) {
			out = append(out, fmt.Sprintf("stderr lacks %q", w))
		}
	}
	for _, r := range c.reject {
		if strings.Contains(stderr, r) {
			out = append(out, fmt.Sprintf("stderr has %q", r))
		}
	}
	return out
}

func parseErrorCase(ar *txtar.Archive) (*errorCase, error) {
	c := &errorCase{exit: exitFail}
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		line = strings.TrimSpace(line)
		if err := c.parseLine(line); err != nil {
			return nil, err
		}
	}
	if c.args == nil {
		return nil, errMissingCommand
	}
	for _, f := range ar.Files {
		switch f.Name {
		case "want":
			c.want = nonEmptyLines(string(f.Data))
		case "reject":
			c.reject = nonEmptyLines(string(f.Data))
		}
	}
	return c, nil
}

var errMissingCommand = errors.New("the archive comment has no command line")

func (c *errorCase) parseLine(line string) error {
	switch {
	case line == "", strings.HasPrefix(line, "#"):
		return nil
	case strings.HasPrefix(line, "exit:"):
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "exit:")))
		c.exit = n
		return err
	case strings.HasPrefix(line, "known:"):
		c.known = strings.TrimSpace(strings.TrimPrefix(line, "known:"))
		return nil
	case strings.HasPrefix(line, "env:"):
		k, v, _ := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "env:")), "=")
		c.env = append(c.env, [2]string{k, v})
		return nil
	}
	c.args = strings.Fields(line)
	return nil
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// isolate keeps the case away from the user's engine and environment.
func isolate(t *testing.T, env [][2]string) {
	t.Setenv("CAIRN_HOME", t.TempDir())
	t.Setenv("BUILDKIT_HOST", "unix:///nonexistent")
	t.Setenv("SOURCE_DATE_EPOCH", "")
	for _, kv := range env {
		t.Setenv(kv[0], kv[1])
	}
}

// writeProject writes the archive's files, except want, into a new
// directory and returns it.
func writeProject(t *testing.T, ar *txtar.Archive) string {
	dir := t.TempDir()
	for _, f := range ar.Files {
		if f.Name == "want" || f.Name == "reject" {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runCairn runs Main with $DIR expanded and -f added, and returns the exit
// code and stderr with the directory written as $DIR.
func runCairn(t *testing.T, args []string, dir string) (int, string) {
	args = expandDir(args, dir)
	if !hasFlag(args, "-f") {
		args = append(args, "-f", filepath.Join(dir, "cairn.star"))
	}
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, &stdout, &stderr)
	return code, strings.ReplaceAll(stderr.String(), dir, "$DIR")
}

func expandDir(args []string, dir string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, "$DIR", dir)
	}
	return out
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == name || a == "-"+name || strings.HasPrefix(a, name+"=") || strings.HasPrefix(a, "-"+name+"=") {
			return true
		}
	}
	return false
}

func rewriteWant(t *testing.T, path string, ar *txtar.Archive, stderr string) {
	var files []txtar.File
	for _, f := range ar.Files {
		if f.Name != "want" {
			files = append(files, f)
		}
	}
	ar.Files = append(files, txtar.File{Name: "want", Data: []byte(stderr)})
	if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}
