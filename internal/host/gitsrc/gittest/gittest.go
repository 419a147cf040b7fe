// Package gittest gives tests real git servers and real signed tags: a
// `git daemon` (git://) and a `git http-backend` behind net/http/cgi (smart
// HTTP, optionally demanding a token), both on loopback, repositories made
// with the git program, and OpenPGP keys made with GnuPG in a throwaway
// GNUPGHOME. Nothing is mocked: what passes here passes against a forge.
package gittest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Need skips tb unless the programs the fixtures run are installed.
func Need(tb testing.TB, programs ...string) {
	tb.Helper()
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			tb.Skipf("%s is not installed (apt-get install git gnupg): %v", p, err)
		}
	}
}

// run runs a program and fails tb unless it succeeds; it returns stdout.
func run(tb testing.TB, dir string, env []string, name string, args ...string) string {
	tb.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// GPG is a throwaway GnuPG home.
type GPG struct {
	Home string
}

// NewGPG makes a GnuPG home that is removed, and its agent stopped, when
// tb ends. It lives under the system temp directory, not tb.TempDir():
// the agent's socket path must stay short.
func NewGPG(tb testing.TB) *GPG {
	tb.Helper()
	Need(tb, "gpg", "gpgconf")
	home, err := os.MkdirTemp("", "gpg")
	if err != nil {
		tb.Fatal(err)
	}
	g := &GPG{Home: home}
	tb.Cleanup(func() {
		exec.Command("gpgconf", "--homedir", home, "--kill", "all").Run()
		os.RemoveAll(home)
	})
	return g
}

func (g *GPG) env() []string { return []string{"GNUPGHOME=" + g.Home} }

// Key is a generated key pair.
type Key struct {
	Fingerprint string // upper-case hex
	UID         string // "Name <mail>"
}

// NewKey generates an Ed25519 signing key without passphrase or expiry.
func (g *GPG) NewKey(tb testing.TB, uid string) Key {
	tb.Helper()
	run(tb, "", g.env(), "gpg", "--batch", "--quiet", "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never")
	out := run(tb, "", g.env(), "gpg", "--batch", "--with-colons", "--list-keys", "="+uid)
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Split(line, ":"); f[0] == "fpr" && len(f) > 9 {
			return Key{Fingerprint: f[9], UID: uid}
		}
	}
	tb.Fatalf("gpg listed no fingerprint for %q:\n%s", uid, out)
	return Key{}
}

// Export returns the keys' public parts, ASCII-armored.
func (g *GPG) Export(tb testing.TB, keys ...Key) []byte {
	tb.Helper()
	args := []string{"--batch", "--armor", "--export"}
	for _, k := range keys {
		args = append(args, k.Fingerprint)
	}
	return []byte(run(tb, "", g.env(), "gpg", args...))
}

// Repo is a work tree with a git repository.
type Repo struct {
	Dir string
	gpg *GPG
}

// fixedDate makes commits and tags, and so their ids, the same every run.
const fixedDate = "2024-01-02T03:04:05Z"

// NewRepo creates an empty repository at dir whose branch is main; g
// (which may be nil) signs its tags.
func NewRepo(tb testing.TB, dir string, g *GPG) *Repo {
	tb.Helper()
	Need(tb, "git")
	r := &Repo{Dir: dir, gpg: g}
	run(tb, "", nil, "git", "init", "--quiet", "--initial-branch=main", dir)
	return r
}

// Git runs git in the repository and returns its output.
func (r *Repo) Git(tb testing.TB, args ...string) string {
	tb.Helper()
	env := []string{"GIT_AUTHOR_DATE=" + fixedDate, "GIT_COMMITTER_DATE=" + fixedDate, "GIT_CONFIG_NOSYSTEM=1", "HOME=" + r.Dir,
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.org", "GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.org"}
	if r.gpg != nil {
		env = append(env, r.gpg.env()...)
	}
	return strings.TrimSpace(run(tb, r.Dir, env, "git", args...))
}

// Commit writes files (path -> content), commits them and returns the
// commit id.
func (r *Repo) Commit(tb testing.TB, msg string, files map[string]string) string {
	tb.Helper()
	for p, content := range files {
		full := filepath.Join(r.Dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	r.Git(tb, "add", "--all")
	r.Git(tb, "commit", "--quiet", "--allow-empty", "-m", msg)
	return r.Git(tb, "rev-parse", "HEAD")
}

// Tag makes a tag of HEAD: lightweight when annotated is false, else
// annotated, and signed by key when key is not zero.
func (r *Repo) Tag(tb testing.TB, name string, annotated bool, key Key) {
	tb.Helper()
	switch {
	case !annotated:
		r.Git(tb, "tag", name)
	case key.Fingerprint == "":
		r.Git(tb, "tag", "-a", "-m", "release "+name, name)
	default:
		r.Git(tb, "-c", "gpg.program=gpg", "-c", "user.signingkey="+key.Fingerprint, "tag", "-s", "-m", "release "+name, name)
	}
}

// Serve publishes the repository as base/name.git (a bare copy, refreshed
// by each call) and returns that path.
func (r *Repo) Serve(tb testing.TB, base, name string) string {
	tb.Helper()
	dst := filepath.Join(base, name+".git")
	if err := os.RemoveAll(dst); err != nil {
		tb.Fatal(err)
	}
	run(tb, "", nil, "git", "clone", "--quiet", "--bare", "--no-local", r.Dir, dst)
	return dst
}

// Daemon serves every repository under base over git:// on loopback and
// returns the URL prefix ("git://127.0.0.1:PORT/"). Each connection runs
// its own `git daemon --inetd`, so no port is guessed.
func Daemon(tb testing.TB, base string) string {
	tb.Helper()
	Need(tb, "git")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serveDaemon(c.(*net.TCPConn), base)
		}
	}()
	return fmt.Sprintf("git://%s/", l.Addr())
}

func serveDaemon(c *net.TCPConn, base string) {
	defer c.Close()
	f, err := c.File()
	if err != nil {
		return
	}
	defer f.Close()
	cmd := exec.Command("git", "daemon", "--inetd", "--export-all", "--base-path="+base, "--informative-errors", base)
	cmd.Stdin, cmd.Stdout = f, f
	cmd.Run()
}

// HTTP serves every repository under base over smart HTTP on loopback and
// returns the URL prefix ("http://127.0.0.1:PORT/"). When token is not
// empty, every request must carry it as BuildKit sends a token: HTTP basic
// auth with user "x-access-token".
func HTTP(tb testing.TB, base, token string) string {
	tb.Helper()
	Need(tb, "git")
	backend := &cgi.Handler{
		Path: "/usr/bin/env",
		Args: []string{"git", "http-backend"},
		Env:  []string{"GIT_PROJECT_ROOT=" + base, "GIT_HTTP_EXPORT_ALL=1", "PATH=" + os.Getenv("PATH")},
	}
	want := base64.StdEncoding.EncodeToString([]byte("x-access-token:" + token))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		scheme, cred, _ := strings.Cut(req.Header.Get("Authorization"), " ")
		if token != "" && (!strings.EqualFold(scheme, "basic") || cred != want) {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "token required", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, req)
	}))
	tb.Cleanup(srv.Close)
	return srv.URL + "/"
}
