package stdlib_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"github.com/cairn-build/cairn/internal/host/llbdump"
	"github.com/cairn-build/cairn/recipes"
	"github.com/cairn-build/cairn/stdlib"
	"go.starlark.net/starlark"
)

// The git resolver's real behaviour (git daemon, smart HTTP, GnuPG-signed
// tags, the lock) is tested in internal/host/gitsrc and, through a real engine,
// in cmd/cairn. Here a recording resolver checks what git() asks it and
// that the graph holds exactly its answer.

// recorder answers every request with one commit and keeps the requests.
type recorder struct {
	mu     sync.Mutex
	commit string
	err    error
	reqs   []gitsrc.Request
}

func (r *recorder) Resolve(_ context.Context, req gitsrc.Request) (gitsrc.Pin, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
	return gitsrc.Pin{Commit: r.commit}, r.err
}

// armoredKey makes a fresh OpenPGP public key, ASCII-armored, and returns
// it with its fingerprint.
func armoredKey(t *testing.T, name, mail string) ([]byte, string) {
	t.Helper()
	e, err := openpgp.NewEntity(name, "", mail, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return b.Bytes(), fmt.Sprintf("%X", e.PrimaryKey.Fingerprint)
}

func evalGit(t *testing.T, recipe string, files fstest.MapFS) (*stdlib.Recipe, error) {
	t.Helper()
	proj := fstest.MapFS{"cairn.star": {Data: []byte(recipe)}}
	for k, v := range files {
		proj[k] = v
	}
	return stdlib.Evaluate(stdlib.Options{Project: proj, Library: recipes.FS})
}

func graphOf(t *testing.T, r *stdlib.Recipe, target string, res gitsrc.Resolver) (string, error) {
	t.Helper()
	c := r.NewCompiler(stdlib.CompileOptions{Platform: amd64, Helper: fakeHelper, Epoch: 315532800, Git: res})
	def, err := c.Marshal(context.Background(), r.Target(target).Artifact)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := llbdump.JSON(&b, def); err != nil {
		t.Fatal(err)
	}
	return b.String(), nil
}

func TestGitAsksResolver(t *testing.T) {
	key, fpr := armoredKey(t, "Alice", "alice@example.org")
	spaced := fpr[:4] + " " + strings.ToLower(fpr[4:])
	recipe := `kr = keyring("keys/maintainers.asc")
print(kr.fingerprints[0], kr.path)
target("tag", git("https://example.org/t.git", ref = "v1.2", verify = kr,
    allowed_signers = ["Alice@Example.org", "` + spaced + `"], auth = secret("tok")))
target("head", git("git://example.org/t.git"))
`
	var printed string
	proj := fstest.MapFS{"cairn.star": {Data: []byte(recipe)}, "keys/maintainers.asc": {Data: key}}
	r, err := stdlib.Evaluate(stdlib.Options{Project: proj, Library: recipes.FS, Print: func(_ *starlark.Thread, msg string) { printed = msg }})
	if err != nil {
		t.Fatal(err)
	}
	if printed != fpr+" keys/maintainers.asc" {
		t.Errorf("keyring fields printed %q, want %q", printed, fpr+" keys/maintainers.asc")
	}
	commit := strings.Repeat("c0ffee", 6) + "c0ff"
	res := &recorder{commit: commit}
	g, err := graphOf(t, r, "tag", res)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(g, `"identifier": "git://example.org/t.git#`+commit+`"`) || !strings.Contains(g, `"git.authtokensecret": "tok"`) {
		t.Errorf("the graph does not fetch the resolved commit with the token secret:\n%s", g)
	}
	if _, err := graphOf(t, r, "head", res); err != nil {
		t.Fatal(err)
	}
	want := []gitsrc.Request{
		{URL: "https://example.org/t.git", Ref: "v1.2", AllowedSigners: []string{"alice@example.org", fpr},
			Auth: gitsrc.Auth{TokenSecret: "tok"}},
		{URL: "git://example.org/t.git"},
	}
	if len(res.reqs) != 2 {
		t.Fatalf("resolver got %d requests, want 2: %+v", len(res.reqs), res.reqs)
	}
	for i, got := range res.reqs {
		kr := got.Verify
		got.Verify = nil
		if fmt.Sprint(got) != fmt.Sprint(want[i]) {
			t.Errorf("request %d = %+v\nwant        %+v", i, got, want[i])
		}
		if (i == 0) != (kr != nil && kr.Name == "keys/maintainers.asc") {
			t.Errorf("request %d: keyring %+v", i, kr)
		}
	}
}

func TestGitResolverErrors(t *testing.T) {
	r, err := evalGit(t, "target(\"x\", git(\"https://example.org/t.git\", ref = \"main\"))\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := graphOf(t, r, "x", nil); err == nil || !strings.HasPrefix(err.Error(), "cairn.star:1:13: git: this build cannot resolve refs") {
		t.Errorf("no resolver: err = %v", err)
	}
	boom := errors.New("tag v1 of URL is not signed")
	_, err = graphOf(t, r, "x", &recorder{err: boom})
	if err == nil || err.Error() != "cairn.star:1:13: git: "+boom.Error() || !errors.Is(err, boom) {
		t.Errorf("resolver error: got %v, want it positioned at the git() call", err)
	}
	var se *stdlib.Error
	if !errors.As(err, &se) || se.Pos.String() != "cairn.star:1:13" || se.Call != "git" {
		t.Errorf("resolver error: got %#v, want a *stdlib.Error at cairn.star:1:13", err)
	}
}

// TestGitArgErrors: bad arguments fail at evaluation, at the call.
func TestGitArgErrors(t *testing.T) {
	key, _ := armoredKey(t, "Alice", "alice@example.org")
	files := fstest.MapFS{"k.asc": {Data: key}, "empty.asc": {Data: []byte("nothing here\n")}, "kh": {Data: []byte("h ssh-ed25519 AAAA\n")}}
	const c = `"0123456789abcdef0123456789abcdef01234567"`
	for call, want := range map[string]string{
		`git("/srv/r.git")`:                                    `git: for parameter url: got "/srv/r.git", want a remote URL`,
		`git("https://u:p@example.org/r.git")`:                 "auth = secret",
		`git("https://example.org/r.git#v1")`:                  "name the ref with ref=",
		`git("https://e.org/r", ref = "-x")`:                   `git: for parameter ref: got "-x"`,
		`git("https://e.org/r", ref = ` + c + `)`:              "pin a commit with commit= instead",
		`git("https://e.org/r", commit = "abc")`:               `git: for parameter commit: got "abc", want a full commit id`,
		`git("ssh://git@e.org/r", auth = secret("t"))`:         "git: for parameter auth: got a secret for a ssh URL",
		`git("https://e.org/r", auth = "tok")`:                 "got string, want a secret (from secret(\"NAME\"))",
		`git("https://e.org/r", allowed_signers = ["a@b"])`:    "git: for parameter allowed_signers: got signers without verify=",
		`git("https://e.org/r", verify = keyring("k.asc"))`:    "git: for parameter verify: got a keyring without ref=",
		`git("https://e.org/r", ref = "v1", verify = "k.asc")`: "want a keyring",
		`git("https://e.org/r", ref = "v1", verify = keyring("k.asc"), allowed_signers = ["ABCD1234ABCD1234"])`: "short key IDs collide",
		`git("https://e.org/r", known_hosts = "kh")`:                                                            "want an ssh:// or user@host:path URL",
		`git("git@e.org:r", known_hosts = "nope")`:                                                              `git: "nope" does not exist in the project`,
		`git("https://e.org/r", refs = "v1")`:                                                                   "did you mean ref?",
		`keyring("missing.asc")`:                                                                                `keyring: "missing.asc" does not exist`,
		`keyring("empty.asc")`:                                                                                  "want a file of OpenPGP public keys",
	} {
		_, err := evalGit(t, "x = "+call+"\n", files)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "cairn.star:1:") {
			t.Errorf("%s:\n got  %v\n want a cairn.star:1: error containing %q", call, err, want)
		}
	}
}
