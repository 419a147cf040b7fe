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
	dir, err := s.scratchRepo(ctx, req, "cairn-git-files-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	want := commit
	if ref := refName(req.Ref); ref != "HEAD" {
		want = ref
	}
	s.log("reading %s of %s at %s", strings.Join(paths, ", "), req.URL, commit[:12])
	if _, err := s.git(ctx, req, dir, "fetch", "--quiet", "--depth=1", "--no-tags", "--", req.URL, want); err != nil {
		return nil, err
	}
	got, err := s.git(ctx, req, dir, "rev-parse", "FETCH_HEAD^{commit}")
	if err != nil {
		return nil, err
	}
	if c := strings.TrimSpace(string(got)); c != commit {
		return nil, fmt.Errorf("%s: %s is now %s, not the pinned %s; run `cairn lock --update`", req.URL, want, c, commit)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := s.git(ctx, req, dir, "cat-file", "blob", commit+":"+p)
		if err == nil {
			out[p] = b
		}
	}
	return out, nil
}
