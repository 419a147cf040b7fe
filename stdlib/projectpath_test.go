package stdlib_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/recipes"
	"github.com/cairn-build/cairn/stdlib"
)

// symlinkProject makes a project directory beside a directory "outside",
// with links out of the project, one link that stays inside and a file,
// and returns the project's path.
func symlinkProject(t *testing.T) string {
	t.Helper()
	top := t.TempDir()
	proj, outside := filepath.Join(top, "proj"), filepath.Join(top, "outside")
	for _, d := range []string{proj, outside, filepath.Join(proj, "sub")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(outside, "secret"), filepath.Join(proj, "real")} {
		if err := os.WriteFile(f, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{
		"out": "../outside", "secret": "../outside/secret", "sub/up": "../..",
		"abs": filepath.Join(outside, "secret"), "good": "real", "dangling": "nothere",
	} {
		if err := os.Symlink(target, filepath.Join(proj, link)); err != nil {
			t.Fatal(err)
		}
	}
	return proj
}

// evalIn evaluates recipe as cairn.star of the project directory dir,
// opened the way the CLI opens it: an os.Root, confined to dir.
func evalIn(t *testing.T, dir, recipe string) error {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "cairn.star"), []byte(recipe), 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	_, err = stdlib.Evaluate(stdlib.Options{Project: root.FS(), Library: recipes.FS})
	return err
}

// TestProjectPathOutsideProject: every builtin that reads a project path
// says so when the path is a symbolic link out of the project, rather
// than that it does not exist, and names the link's target.
func TestProjectPathOutsideProject(t *testing.T) {
	dir := symlinkProject(t)
	const rest = "; cairn reads only files inside the project directory"
	for call, want := range map[string]string{
		`local("secret")`:   `local: "secret" is a symbolic link that points outside the project (to ../outside/secret)` + rest,
		`local("out")`:      `local: "out" is a symbolic link that points outside the project (to ../outside)` + rest,
		`local("out/x")`:    `local: "out/x" is under "out", a symbolic link that points outside the project (to ../outside)` + rest,
		`local("sub/up")`:   `local: "sub/up" is a symbolic link that points outside the project (to ../..)` + rest,
		`keyring("secret")`: `keyring: "secret" is a symbolic link that points outside the project (to ../outside/secret)` + rest,
		`git("git@e.org:r", known_hosts = "secret")`:       `git: "secret" is a symbolic link that points outside the project (to ../outside/secret)` + rest,
		`repo.deb(suite = "bookworm", keyring = "secret")`: `repo.deb: "secret" is a symbolic link that points outside the project (to ../outside/secret)` + rest,
		`local("abs")`: `local: "abs" is a symbolic link to an absolute path (` + filepath.Join(filepath.Dir(dir), "outside", "secret") +
			`); cairn reads only files inside the project directory, through relative links`,
	} {
		err := evalIn(t, dir, "x = "+call+"\n")
		if err == nil || !strings.Contains(err.Error(), "cairn.star:1:") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s:\n got  %v\n want a cairn.star:1: error containing %q", call, err, want)
		}
	}
}

// TestProjectPathInsideLinks: links that stay inside the project still
// work, and a dangling one is still a missing file.
func TestProjectPathInsideLinks(t *testing.T) {
	dir := symlinkProject(t)
	if err := evalIn(t, dir, `x = local("good")`+"\n"); err != nil {
		t.Errorf("local(\"good\"), a link inside the project: %v", err)
	}
	err := evalIn(t, dir, `x = local("dangling")`+"\n")
	if err == nil || !strings.Contains(err.Error(), `local: "dangling" does not exist in the project`) {
		t.Errorf("local(\"dangling\"): got %v, want a missing file", err)
	}
}
