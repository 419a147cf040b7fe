package gitsrc

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// FileReader reads files of a pinned commit on the client, for what a
// recipe needs to know before anything is built (a source tree's
// debian/control). It must be safe for concurrent use.
type FileReader interface {
	ReadFiles(ctx context.Context, req Request, commit string, paths []string) (map[string][]byte, error)
}

// ReadFiles fetches commit (through req.Ref when the recipe names one, as
// a shallow fetch of that ref, then checked against commit; else the
// commit itself) into a scratch repository and returns the named files
// that exist in it; a missing file is left out.
func (s *Source) ReadFiles(ctx context.Context, req Request, commit string, paths []string) (map[string][]byte, error) {
	s.log("reading %s of %s at %s", strings.Join(paths, ", "), req.URL, commit[:12])
	dir, err := s.fetchCommit(ctx, req, commit)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := s.git(ctx, req, dir, "cat-file", "blob", commit+":"+p)
		if err == nil {
			out[p] = b
		}
	}
	return out, nil
}

// Archive fetches commit as ReadFiles does and returns its tree as a tar
// archive (`git archive`), for a library the recipe loads.
func (s *Source) Archive(ctx context.Context, req Request, commit string) ([]byte, error) {
	s.log("fetching %s at %s", req.URL, commit[:12])
	dir, err := s.fetchCommit(ctx, req, commit)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	return s.git(ctx, req, dir, "archive", "--format=tar", commit)
}

// fetchCommit fetches commit shallowly into a new scratch repository,
// which the caller removes.
func (s *Source) fetchCommit(ctx context.Context, req Request, commit string) (string, error) {
	dir, err := s.scratchRepo(ctx, req, "cairn-git-files-")
	if err != nil {
		return "", err
	}
	want := commit
	if ref := refName(req.Ref); ref != "HEAD" {
		want = ref
	}
	if _, err := s.git(ctx, req, dir, "fetch", "--quiet", "--depth=1", "--no-tags", "--", req.URL, want); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	got, err := s.git(ctx, req, dir, "rev-parse", "FETCH_HEAD^{commit}")
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	if c := strings.TrimSpace(string(got)); c != commit {
		os.RemoveAll(dir)
		return "", fmt.Errorf("%s: %s is now %s, not the pinned %s; run `cairn lock --update`", req.URL, want, c, commit)
	}
	return dir, nil
}
