package gitsrc

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cairn-build/cairn/internal/host/gitsrc/gittest"
	"github.com/cairn-build/cairn/internal/pkgs/lock"
)

// world is one served repository with tags signed by three keys: alice
// (in the keyring and allowed), mallory (in the keyring, not allowed) and
// eve (not in the keyring).
type world struct {
	url                 string // the repository's git:// URL
	base                string // the directory the servers serve
	repo                *gittest.Repo
	alice, mallory, eve gittest.Key
	keyring             *Keyring
	first, second       string // commits: v1.x tags are on first, main is second
}

func newWorld(t *testing.T) *world {
	t.Helper()
	g := gittest.NewGPG(t)
	w := &world{base: t.TempDir()}
	w.alice = g.NewKey(t, "Alice <alice@example.org>")
	w.mallory = g.NewKey(t, "Mallory <mallory@example.org>")
	w.eve = g.NewKey(t, "Eve <eve@example.org>")
	kr, err := ParseKeyring("maintainers.asc", g.Export(t, w.alice, w.mallory))
	if err != nil {
		t.Fatal(err)
	}
	w.keyring = kr
	w.repo = gittest.NewRepo(t, filepath.Join(t.TempDir(), "src"), g)
	w.first = w.repo.Commit(t, "first", map[string]string{"README": "one\n"})
	w.repo.Tag(t, "v1.0", true, w.alice)
	w.repo.Tag(t, "v1.1", true, w.mallory)
	w.repo.Tag(t, "v1.2", true, gittest.Key{})
	w.repo.Tag(t, "v1.3", false, gittest.Key{})
	w.repo.Tag(t, "v1.4", true, w.eve)
	w.repo.Tag(t, "dup", false, gittest.Key{})
	w.repo.Git(t, "branch", "dup")
	// A tag-name substitution: alice's good v1.0 object under another name.
	w.repo.Git(t, "update-ref", "refs/tags/v9.9", w.repo.Git(t, "rev-parse", "refs/tags/v1.0"))
	w.second = w.repo.Commit(t, "second", map[string]string{"README": "two\n"})
	w.repo.Serve(t, w.base, "project")
	w.url = gittest.Daemon(t, w.base) + "project.git"
	return w
}

func (w *world) req(ref string) Request {
	return Request{URL: w.url, Ref: ref}
}

func (w *world) signed(ref string, allowed ...string) Request {
	r := w.req(ref)
	r.Verify, r.AllowedSigners = w.keyring, allowed
	return r
}

func TestResolve(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	s := New(Config{})
	tests := []struct {
		name       string
		req        Request
		commit     string
		signer     string // fingerprint the pin must start with
		wantErr    string // substring; "" for success
		wantPrefix bool
	}{
		{name: "branch", req: w.req("main"), commit: w.second},
		{name: "default branch", req: w.req(""), commit: w.second},
		{name: "full ref name", req: w.req("refs/heads/main"), commit: w.second},
		{name: "tag unverified", req: w.req("v1.2"), commit: w.first},
		{name: "signed by allowed fingerprint", req: w.signed("v1.0", w.alice.Fingerprint), commit: w.first, signer: w.alice.Fingerprint},
		{name: "signed by allowed e-mail", req: w.signed("v1.0", "alice@example.org"), commit: w.first, signer: w.alice.Fingerprint},
		{name: "signed, any key of the keyring", req: w.signed("v1.1"), commit: w.first, signer: w.mallory.Fingerprint},
		{name: "commit matches", req: Request{URL: w.url, Ref: "main", Commit: w.second}, commit: w.second},
		{name: "signer not allowed", req: w.signed("v1.1", w.alice.Fingerprint),
			wantErr: "tag v1.1 of " + w.url + " is signed by " + w.mallory.Fingerprint + " (Mallory <mallory@example.org>), which is not in allowed_signers [\"" + w.alice.Fingerprint + "\"]"},
		{name: "not signed", req: w.signed("v1.2"), wantErr: "tag v1.2 of " + w.url + " is not signed"},
		{name: "lightweight", req: w.signed("v1.3"), wantErr: "tag v1.3 of " + w.url + " is a lightweight tag"},
		{name: "unknown key", req: w.signed("v1.4"), wantErr: "signature by unknown key 0x"},
		{name: "substituted tag", req: w.signed("v9.9", w.alice.Fingerprint), wantErr: "the tag object says it is tag \"v1.0\""},
		{name: "branch with verify", req: w.signed("main"), wantErr: "is refs/heads/main; name a tag"},
		{name: "ambiguous", req: w.req("dup"), wantErr: "is both a branch and a tag"},
		{name: "missing", req: w.req("v7"), wantErr: "has no branch or tag \"v7\""},
		{name: "commit mismatch", req: Request{URL: w.url, Ref: "main", Commit: w.first}, wantErr: "refs/heads/main of " + w.url + " is commit " + w.second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pin, err := s.Resolve(ctx, tt.req)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if pin.Commit != tt.commit || !strings.HasPrefix(pin.Signer, tt.signer) || (tt.signer == "") != (pin.Signer == "") {
				t.Errorf("pin = %+v, want commit %s, signer %q", pin, tt.commit, tt.signer)
			}
		})
	}
}

// TestLockRoundTrip: what one Source resolved, a locked Source answers
// without running git at all, and refuses what the lock does not cover or
// no longer fits.
func TestLockRoundTrip(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	s := New(Config{})
	for _, r := range []Request{w.req("main"), w.signed("v1.0", "alice@example.org"), w.req("v1.2")} {
		if _, err := s.Resolve(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := s.Entries()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 || entries[0].Ref != "main" || entries[1].TagSigner != w.alice.Fingerprint || entries[2].TagSigner != "" {
		t.Fatalf("entries = %+v", entries)
	}
	lf := &lock.File{Version: lock.FormatVersion, Git: entries}
	offline := New(Config{Lock: lf, Locked: true, Git: "/nonexistent/git"})
	pin, err := offline.Resolve(ctx, w.signed("v1.0", w.alice.Fingerprint))
	if err != nil || pin.Commit != w.first {
		t.Fatalf("locked resolve = %+v, %v", pin, err)
	}
	for name, tt := range map[string]struct {
		req  Request
		want string
	}{
		"not in the lock":     {w.req("v1.1"), `ref "v1.1" of ` + w.url + ": cairn.lock does not pin it; run `cairn lock`"},
		"signer now refused":  {w.signed("v1.0", "bob@example.org"), "is not in allowed_signers [\"bob@example.org\"]"},
		"locked unverified":   {w.signed("v1.2"), "locked without verify="},
		"recipe commit moved": {Request{URL: w.url, Ref: "main", Commit: w.first}, "it pins commit " + w.second},
	} {
		if _, err := offline.Resolve(ctx, tt.req); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", name, err, tt.want)
		}
	}
}

// TestHTTPToken: a smart-HTTP server that demands a token answers ls-remote
// and the tag fetch only when the request names a secret the command was
// given.
func TestHTTPToken(t *testing.T) {
	w := newWorld(t)
	url := gittest.HTTP(t, w.base, "s3cret") + "project.git"
	req := Request{URL: url, Ref: "v1.0", Verify: w.keyring, AllowedSigners: []string{w.alice.Fingerprint},
		Auth: Auth{TokenSecret: "git-token"}}
	secrets := func(id string) ([]byte, bool) {
		if id == "git-token" {
			return []byte("s3cret\n"), true
		}
		return nil, false
	}
	pin, err := New(Config{Secret: secrets}).Resolve(context.Background(), req)
	if err != nil || pin.Commit != w.first || !strings.HasPrefix(pin.Signer, w.alice.Fingerprint) {
		t.Fatalf("with the token: %+v, %v", pin, err)
	}
	_, err = New(Config{}).Resolve(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "pass auth = secret") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("without the token: err = %v, want the auth hint and no secret", err)
	}
}

// TestResolveOnce: concurrent calls for one ref (targets build in
// parallel) ask the remote once and agree.
func TestResolveOnce(t *testing.T) {
	w := newWorld(t)
	var mu sync.Mutex
	var lines []string
	s := New(Config{Log: func(l string) { mu.Lock(); lines = append(lines, l); mu.Unlock() }})
	var wg sync.WaitGroup
	pins := make([]Pin, 8)
	for i := range pins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if pins[i], err = s.Resolve(context.Background(), w.signed("v1.0")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, p := range pins {
		if p != pins[0] || p.Commit != w.first {
			t.Fatalf("pins differ: %+v", pins)
		}
	}
	if len(lines) != 1 {
		t.Errorf("the remote was asked %d times, want once: %q", len(lines), lines)
	}
}
