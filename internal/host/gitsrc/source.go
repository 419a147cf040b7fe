package gitsrc

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/cairn-build/cairn/internal/pkgs/lock"
)

// Config says where answers come from.
type Config struct {
	// Lock is the current lockfile, nil when there is none.
	Lock *lock.File
	// Locked forbids answers the lock does not hold (`--locked`).
	Locked bool
	// Fresh ignores the lock and resolves every ref anew (`lock --update`).
	Fresh bool
	// Secret returns the value of a build secret given to this command
	// (--secret), for resolving private repositories; nil when none were.
	Secret func(id string) ([]byte, bool)
	// Git is the git program; "git" when empty.
	Git string
	// Log receives one line per ref resolved over the network; nil
	// discards them.
	Log func(string)
}

// Source implements Resolver: from the lock, else from the remote.
type Source struct {
	cfg     Config
	mu      sync.Mutex
	remotes map[string]*cell[remoteRef] // url, ref -> what ls-remote said
	tags    map[string]*cell[string]    // url, ref, policy -> signer
	answers map[string]lock.Git         // url, ref -> the answer given
	split   error                       // two answers for one ref
}

// New returns a Source.
func New(cfg Config) *Source {
	return &Source{cfg: cfg, remotes: map[string]*cell[remoteRef]{}, tags: map[string]*cell[string]{}, answers: map[string]lock.Git{}}
}

// Resolve answers one request: from the lock when its entry still fits the
// request, else (unless Locked) from the remote. Errors name neither the
// recipe position nor git(): the compiler, which knows the call, adds both
// (stdlib.Error).
func (s *Source) Resolve(ctx context.Context, req Request) (Pin, error) {
	ref := refName(req.Ref)
	e, stale := s.fromLock(req, ref)
	if stale == "" && e.Commit != "" {
		s.remember(e)
		return Pin{Commit: e.Commit, Signer: e.TagSigner}, nil
	}
	if s.cfg.Locked {
		return Pin{}, errNotLocked(req, ref, stale)
	}
	r, err := do(&s.mu, s.remotes, req.URL+"\x00"+ref, func() (remoteRef, error) {
		s.log("resolving %s of %s", ref, req.URL)
		return s.lsRemote(ctx, req, ref)
	})
	if err != nil {
		return Pin{}, err
	}
	if req.Commit != "" && r.commit != req.Commit {
		return Pin{}, errCommitMismatch(req, r)
	}
	signer, err := s.verifyTag(ctx, req, r)
	if err != nil {
		return Pin{}, err
	}
	fpr, _, _ := strings.Cut(signer, " ")
	s.remember(lock.Git{URL: req.URL, Ref: ref, Commit: r.commit, TagSigner: fpr})
	return Pin{Commit: r.commit, Signer: signer}, nil
}

// verifyTag checks the signed tag a request with verify= names, once per
// ref and policy.
func (s *Source) verifyTag(ctx context.Context, req Request, r remoteRef) (string, error) {
	if req.Verify == nil {
		return "", nil
	}
	if !r.isTag() {
		return "", errNotTag(req, r)
	}
	if !r.annotatedTag() {
		return "", errTag(req, r, "is a lightweight tag: it has no signature to verify; verify= needs a signed annotated tag (git tag -s)")
	}
	key := strings.Join([]string{req.URL, r.name, req.Verify.SHA256, strings.Join(req.AllowedSigners, ",")}, "\x00")
	return do(&s.mu, s.tags, key, func() (string, error) {
		data, err := s.tagObject(ctx, req, r)
		if err != nil {
			return "", err
		}
		return verify(req, r, data)
	})
}

// fromLock returns the lock's entry for the request's ref, or why the
// entry no longer fits ("" when there is none).
func (s *Source) fromLock(req Request, ref string) (lock.Git, string) {
	if s.cfg.Fresh {
		return lock.Git{}, ""
	}
	e, ok := s.cfg.Lock.LookupGit(req.URL, ref)
	if !ok {
		return lock.Git{}, ""
	}
	return e, stale(req, e)
}

// stale says why a locked entry does not answer req, "" when it does. The
// signer is checked against the current keyring and allowed_signers; the
// signature itself was checked when the entry was written.
func stale(req Request, e lock.Git) string {
	switch {
	case !IsCommit(e.Commit):
		return fmt.Sprintf("its commit %q is not a commit id", e.Commit)
	case req.Commit != "" && req.Commit != e.Commit:
		return fmt.Sprintf("it pins commit %s, but the recipe says commit = %q", e.Commit, req.Commit)
	case req.Verify == nil:
		return ""
	case e.TagSigner == "":
		return "it was locked without verify=, so no tag signer is recorded"
	}
	k := req.Verify.entity(e.TagSigner)
	switch {
	case k == nil:
		return fmt.Sprintf("its tag signer %s is not in keyring %s", e.TagSigner, req.Verify.Name)
	case !allowed(k, req.AllowedSigners):
		return fmt.Sprintf("its tag signer %s is not in allowed_signers %s", e.TagSigner, quoteList(req.AllowedSigners))
	}
	return ""
}

// remember records an answer for the lockfile. Answers for one ref must
// agree: a call with commit= cannot be satisfied by one commit while
// another call of the same ref took the lock's.
func (s *Source) remember(e lock.Git) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := e.URL + "\x00" + e.Ref
	prev, ok := s.answers[key]
	switch {
	case !ok:
		s.answers[key] = e
	case prev.Commit != e.Commit && s.split == nil:
		s.split = errSplit(e, prev.Commit)
	case prev.TagSigner == "":
		s.answers[key] = e
	}
}

// Entries returns every answer given so far, sorted, for cairn.lock.
func (s *Source) Entries() ([]lock.Git, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.split != nil {
		return nil, s.split
	}
	out := make([]lock.Git, 0, len(s.answers))
	for _, e := range s.answers {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].URL != out[j].URL {
			return out[i].URL < out[j].URL
		}
		return out[i].Ref < out[j].Ref
	})
	return out, nil
}

func (s *Source) log(format string, args ...any) {
	if s.cfg.Log != nil {
		s.cfg.Log(fmt.Sprintf(format, args...))
	}
}

// cell holds one result computed once and shared by concurrent callers.
type cell[T any] struct {
	done chan struct{}
	v    T
	err  error
}

// do computes fn once per key of m (guarded by mu) and shares the result.
func do[T any](mu *sync.Mutex, m map[string]*cell[T], key string, fn func() (T, error)) (T, error) {
	mu.Lock()
	c, ok := m[key]
	if !ok {
		c = &cell[T]{done: make(chan struct{})}
		m[key] = c
	}
	mu.Unlock()
	if !ok {
		c.v, c.err = fn()
		close(c.done)
	}
	<-c.done
	return c.v, c.err
}
