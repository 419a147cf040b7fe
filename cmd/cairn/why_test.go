package main

// cairn why: each build records its steps; after a change, the build's
// last line names the first cause, and `cairn why` tells it at the
// recipe line: a file of a local() tree, a line of a loaded .star file.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const whyRecipe = `load("lib/greet.star", "greet")

overlay = local("overlay")
target("hello", merge([greet("x"), overlay]))
`

const whyLib = `def greet(word):
    return run(["/hello", "/out/greeting", word], rootfs = local("rootfs-amd64"), output = "/out", platform = "linux/amd64")
`

func TestWhy(t *testing.T) {
	c := shared(t)
	proj := newProject(t, whyRecipe)
	for _, d := range []string{"lib", "overlay/etc"} {
		if err := os.MkdirAll(filepath.Join(proj, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(proj, "lib", "greet.star"), whyLib)
	writeFile(t, filepath.Join(proj, "overlay", "etc", "motd"), "hello\n")
	recipe := filepath.Join(proj, "cairn.star")
	out := filepath.Join(t.TempDir(), "out")
	build := func() string {
		return c.ok(t, "build", "-f", recipe, "-o", out, "--progress", "plain", "hello").stderr
	}
	why := func(args ...string) string {
		return c.ok(t, append([]string{"why", "-o", out, "-C", proj}, args...)...).stdout
	}
	build()
	if r := c.run(t, "why", "-o", out, "hello"); r.code == 0 || !strings.Contains(r.stderr, "no earlier build to compare with") {
		t.Errorf("why after one build: exit %d\n%s", r.code, r.stderr)
	}

	// A file of the local tree.
	writeFile(t, filepath.Join(proj, "overlay", "etc", "motd"), "hello again\n")
	if last := lastLine(build()); !strings.Contains(last, "first cause: cairn.star:3 (modified overlay/etc/motd) (cairn why hello)") {
		t.Errorf("last line: %s", last)
	}
	if got := why("hello"); !strings.Contains(got, `cairn.star:3: the files of "local overlay" changed`) || !strings.Contains(got, "modified overlay/etc/motd") {
		t.Errorf("cairn why:\n%s", got)
	}

	// A line of a loaded file: the step there ran again.
	writeFile(t, filepath.Join(proj, "lib", "greet.star"), strings.Replace(whyLib, `"/out/greeting"`, `"/out/hi"`, 1))
	if last := lastLine(build()); !strings.Contains(last, "0 of 1 exec steps cached; first cause: lib/greet.star:2 (args[1]: /out/greeting -> /out/hi)") {
		t.Errorf("last line: %s", last)
	}
	var r struct {
		Ran    int
		Causes []struct {
			At   string
			What []string
		}
	}
	if err := json.Unmarshal([]byte(why("--json", "hello")), &r); err != nil {
		t.Fatal(err)
	}
	if r.Ran != 1 || len(r.Causes) != 1 || r.Causes[0].At != "lib/greet.star:2" {
		t.Errorf("cairn why --json: %+v", r)
	}

	// --since an older record: both changes.
	older := filepath.Join(t.TempDir(), "first.json")
	data, err := os.ReadFile(filepath.Join(out, ".cairn-why", "hello.prev.json"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, older, string(data))
	writeFile(t, filepath.Join(proj, "overlay", "etc", "issue"), "x\n")
	build()
	if got := why("--since", older, "hello"); !strings.Contains(got, "added overlay/etc/issue") || !strings.Contains(got, "lib/greet.star:2") {
		t.Errorf("cairn why --since:\n%s", got)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
