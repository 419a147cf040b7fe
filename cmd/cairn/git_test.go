package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/host/gitsrc/gittest"
)

// gitWorld is a repository served over git:// and over token-protected
// smart HTTP, both on loopback, with tags signed by alice (allowed), signed
// by mallory (in the keyring, not allowed), unsigned and lightweight; and
// a project whose keyring holds alice's and mallory's keys.
type gitWorld struct {
	repo           *gittest.Repo
	base           string // served directory
	url, httpURL   string
	project        string
	alice, mallory gittest.Key
	tagged, main   string // commits: the v1.x tags, and main
}

const gitToken = "s3cret-token"

func newGitWorld(t *testing.T) *gitWorld {
	t.Helper()
	g := gittest.NewGPG(t)
	w := &gitWorld{base: t.TempDir(), project: t.TempDir()}
	w.alice = g.NewKey(t, "Alice <alice@example.org>")
	w.mallory = g.NewKey(t, "Mallory <mallory@example.org>")
	writeFile(t, filepath.Join(w.project, "maintainers.asc"), string(g.Export(t, w.alice, w.mallory)))
	w.repo = gittest.NewRepo(t, filepath.Join(t.TempDir(), "src"), g)
	w.tagged = w.repo.Commit(t, "release", map[string]string{"README": "tagged\n", "src/main.c": "int main(void) { return 0; }\n"})
	w.repo.Tag(t, "v1.0", true, w.alice)
	w.repo.Tag(t, "v1.1", true, w.mallory)
	w.repo.Tag(t, "v1.2", true, gittest.Key{})
	w.repo.Tag(t, "v1.3", false, gittest.Key{})
	w.main = w.repo.Commit(t, "more", map[string]string{"README": "main\n"})
	w.repo.Serve(t, w.base, "project")
	w.url = gittest.Daemon(t, w.base) + "project.git"
	w.httpURL = gittest.HTTP(t, w.base, gitToken) + "project.git"
	return w
}

// gitRecipe's targets: a verified release, a branch, a commit, the .git
// directory kept, and a private repository reached with a token.
const gitRecipe = `maintainers = keyring("maintainers.asc")
target("release", git("{{url}}", ref = "v1.0", verify = maintainers, allowed_signers = ["alice@example.org"]))
target("main", git("{{url}}", ref = "main"))
target("pinned", git("{{url}}", commit = "{{tagged}}"))
target("withgit", git("{{url}}", ref = "v1.0", keep_git_dir = True))
target("private", git("{{http}}", ref = "main", auth = secret("git-token"), keep_git_dir = True))
`

// refusedRecipe's targets each name a tag that verify= must refuse.
const refusedRecipe = `maintainers = keyring("maintainers.asc")
target("mallory", git("{{url}}", ref = "v1.1", verify = maintainers, allowed_signers = ["alice@example.org"]))
target("unsigned", git("{{url}}", ref = "v1.2", verify = maintainers))
target("lightweight", git("{{url}}", ref = "v1.3", verify = maintainers))
`

// recipe writes cairn.star into dir (which gets the project's keyring)
// from a template, and returns it.
func (w *gitWorld) recipe(t *testing.T, dir, template string) string {
	t.Helper()
	r := strings.NewReplacer("{{url}}", w.url, "{{http}}", w.httpURL, "{{tagged}}", w.tagged).Replace(template)
	if dir != w.project {
		writeFile(t, filepath.Join(dir, "maintainers.asc"), readFile(t, filepath.Join(w.project, "maintainers.asc")))
	}
	writeFile(t, filepath.Join(dir, "cairn.star"), r)
	return r
}

// TestGitSources builds git() sources through a real engine from real
// git servers: signed-tag verification with the reason for each refusal,
// the lock pinning refs (and --locked refusing what it does not pin), the
// checked-out files and times, the kept .git directory, and a token that
// reaches both the client's ls-remote and the engine's fetch but no output.
func TestGitSources(t *testing.T) {
	c := shared(t)
	gittest.Need(t, "git", "gpg")
	w := newGitWorld(t)
	file := filepath.Join(w.project, "cairn.star")
	w.recipe(t, w.project, gitRecipe)
	secret := []string{"--secret", "id=git-token,env=GIT_TOKEN"}
	c = c.with("GIT_TOKEN=" + gitToken)

	t.Run("refused tags", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "cairn.star")
		recipe := w.recipe(t, dir, refusedRecipe)
		for _, tt := range []struct{ target, ref, want string }{
			{"mallory", "v1.1", "is signed by " + w.mallory.Fingerprint + " (Mallory <mallory@example.org>), which is not in allowed_signers [\"alice@example.org\"]"},
			{"unsigned", "v1.2", "is not signed"},
			{"lightweight", "v1.3", "is a lightweight tag"},
		} {
			line, col := posOf(t, recipe, `git("`+w.url+`", ref = "`+tt.ref+`"`)
			want := fmt.Sprintf("%s:%d:%d: git: tag %s of %s %s", file, line, col, tt.ref, w.url, tt.want)
			r := c.run(t, "build", "-f", file, "-o", t.TempDir(), tt.target)
			if r.code != 1 || !strings.Contains(r.stderr, want) {
				t.Errorf("%s: want exit 1 and\n%s\n%s", tt.target, want, r)
			}
		}
	})

	t.Run("lock", func(t *testing.T) {
		c.ok(t, append([]string{"lock", "-f", file}, secret...)...)
		pins := lockedGit(t, w.project)
		want := map[string]string{w.url + " v1.0": w.tagged, w.url + " main": w.main, w.httpURL + " main": w.main}
		for k, commit := range want {
			if pins[k].Commit != commit {
				t.Errorf("cairn.lock pins %s to %q, want %s (all: %+v)", k, pins[k].Commit, commit, pins)
			}
		}
		if s := pins[w.url+" v1.0"].TagSigner; s != w.alice.Fingerprint {
			t.Errorf("cairn.lock records tag signer %q for v1.0, want alice's %s", s, w.alice.Fingerprint)
		}
		if len(pins) != len(want) {
			t.Errorf("cairn.lock pins %d refs, want %d (commit= needs none; refused tags get none): %+v", len(pins), len(want), pins)
		}
	})

	// The branch moves after locking: --locked still builds the locked commit.
	w.repo.Commit(t, "moved on", map[string]string{"README": "moved\n"})
	w.repo.Serve(t, w.base, "project")

	t.Run("engine needs the token", func(t *testing.T) {
		r := c.run(t, "build", "-f", file, "-o", t.TempDir(), "--locked", "private")
		if r.code != 1 || !strings.Contains(r.stderr, "failed to fetch remote "+w.httpURL) || !strings.Contains(r.stderr, "could not read Username") {
			t.Errorf("building the private repository without --secret: want exit 1 and the engine's failed fetch\n%s", r)
		}
	})

	out := t.TempDir()
	t.Run("build locked", func(t *testing.T) {
		c.ok(t, append([]string{"build", "-f", file, "-o", out, "--locked", "release", "main", "pinned", "withgit", "private"}, secret...)...)
		for target, readme := range map[string]string{"release": "tagged\n", "main": "main\n", "pinned": "tagged\n", "withgit": "tagged\n", "private": "main\n"} {
			if got := readFile(t, filepath.Join(out, target, "README")); got != readme {
				t.Errorf("%s/README = %q, want %q", target, got, readme)
			}
		}
		snap := snapshot(t, filepath.Join(out, "release"))
		if len(snap) != 3 || snap["src/main.c"].mode.Perm() != 0o644 {
			t.Errorf("release holds %v, want README, src/ and src/main.c (no .git)", snap)
		}
		checkTimes(t, filepath.Join(out, "release"), 315532800)
		head := exec.Command("git", "--git-dir", filepath.Join(out, "withgit", ".git"), "rev-parse", "HEAD")
		if b, err := head.Output(); err != nil || strings.TrimSpace(string(b)) != w.tagged {
			t.Errorf("withgit/.git HEAD = %q, %v; want %s", b, err, w.tagged)
		}
		for _, target := range []string{"private", "main"} {
			if leaked := grepDir(t, filepath.Join(out, target), gitToken); leaked != "" {
				t.Errorf("the token is in the output: %s", leaked)
			}
		}
	})

	t.Run("same bytes on a fresh engine", func(t *testing.T) {
		again := t.TempDir()
		freshEngine(t).ok(t, "build", "-f", file, "-o", again, "--locked", "release", "pinned")
		for _, target := range []string{"release", "pinned"} {
			if a, b := readRecord(t, out, target).Digest, readRecord(t, again, target).Digest; a != b {
				t.Errorf("%s: digest %s on the shared engine, %s on a fresh one", target, a, b)
			}
		}
	})

	t.Run("locked refuses an unpinned ref", func(t *testing.T) {
		recipe := w.recipe(t, w.project, gitRecipe+`target("new", git("{{url}}", ref = "v1.2"))`+"\n")
		line, col := posOf(t, recipe, `git("`+w.url+`", ref = "v1.2"))`)
		r := c.run(t, "build", "-f", file, "-o", t.TempDir(), "--locked", "new")
		want := fmt.Sprintf("cairn.star:%d:%d: git: ref \"v1.2\" of %s: cairn.lock does not pin it; run `cairn lock`", line, col, w.url)
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("want exit 1 and %q\n%s", want, r)
		}
		g := c.run(t, "graph", "-f", file, "private", "--locked")
		if g.code != 0 || strings.Contains(g.stdout, gitToken) || !strings.Contains(g.stdout, w.main) {
			t.Errorf("graph of private: want the locked commit and no token\n%s", g)
		}
	})

	t.Run("lock --update moves branches", func(t *testing.T) {
		w.recipe(t, w.project, gitRecipe)
		r := c.ok(t, append([]string{"lock", "-f", file, "--update"}, secret...)...)
		moved := w.repo.Git(t, "rev-parse", "HEAD")
		pins := lockedGit(t, w.project)
		if pins[w.url+" main"].Commit != moved || pins[w.url+" v1.0"].Commit != w.tagged || !strings.Contains(r.stderr, "3 git ref(s), 2 moved") {
			t.Errorf("after --update: main %s (want %s), v1.0 %s (want %s)\n%s", pins[w.url+" main"].Commit, moved, pins[w.url+" v1.0"].Commit, w.tagged, r)
		}
	})
}

// lockedGit reads the git table of the project's cairn.lock, by "url ref".
func lockedGit(t *testing.T, project string) map[string]struct{ Commit, TagSigner string } {
	t.Helper()
	var f struct {
		Git []struct {
			URL, Ref, Commit string
			TagSigner        string `json:"tag_signer"`
		} `json:"git"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(project, "cairn.lock"))), &f); err != nil {
		t.Fatal(err)
	}
	out := map[string]struct{ Commit, TagSigner string }{}
	for _, g := range f.Git {
		out[g.URL+" "+g.Ref] = struct{ Commit, TagSigner string }{g.Commit, g.TagSigner}
	}
	return out
}

// grepDir returns the first file under dir containing s, or "".
func grepDir(t *testing.T, dir, s string) string {
	t.Helper()
	var found string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && found == "" {
			if b, _ := os.ReadFile(p); strings.Contains(string(b), s) {
				found = p
			}
		}
		return nil
	})
	return found
}
