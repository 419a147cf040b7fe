package cli

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-build/cairn/frontends"
	"github.com/cairn-build/cairn/stdlib"
	"github.com/moby/buildkit/solver/pb"
	"github.com/tonistiigi/fsutil"
)

// A target that reads project files (local(), context()) is decided by its
// LLB and by those files, which BuildKit reads only at solve time. To skip
// an unchanged target without a solve, the key takes, for every local
// source the graph has, the stat data of exactly the files the engine
// would be sent (the same fsutil filter, the same include and exclude
// patterns): path, mode, size, mtime, ctime, inode and link target. Any
// change to a file changes its ctime, so a changed input changes the key;
// an unchanged tree costs a walk of stat calls, not a transfer and an
// export. A file rewritten with the same bytes only costs a rebuild.

// localSource is one local source op: which directory, which files.
type localSource struct {
	name                     string
	include, exclude, follow []string
}

// localSources lists a definition's local sources other than the helper
// (whose digest is in the graph); ok is false when one cannot be read.
func localSources(ops [][]byte) (srcs []localSource, ok bool) {
	for _, dt := range ops {
		var op pb.Op
		if err := op.UnmarshalVT(dt); err != nil {
			return nil, false
		}
		src := op.GetSource()
		if src == nil || !strings.HasPrefix(src.Identifier, "local://") || src.Identifier == "local://"+frontends.HelperLocal {
			continue
		}
		ls := localSource{name: strings.TrimPrefix(src.Identifier, "local://")}
		for attr, into := range map[string]*[]string{pb.AttrIncludePatterns: &ls.include, pb.AttrExcludePatterns: &ls.exclude, pb.AttrFollowPaths: &ls.follow} {
			if v, set := src.Attrs[attr]; set {
				if err := json.Unmarshal([]byte(v), into); err != nil {
					return nil, false
				}
			}
		}
		srcs = append(srcs, ls)
	}
	return srcs, true
}

// localDir is the host directory a local source name is served from.
func (b *buildPlan) localDir(name string) (string, bool) {
	return localDirOf(b.project.dir, b.flags.contexts, name)
}

// localDirOf is the directory session local name serves: the project's,
// or a named context's.
func localDirOf(project string, contexts contextFlag, name string) (string, bool) {
	if name == stdlib.DefaultLocalName {
		return project, true
	}
	for ctxName, dir := range contexts {
		if stdlib.ContextLocalName(ctxName) == name {
			return dir, true
		}
	}
	return "", false
}

// statLocals writes to h the stat data of every file the local sources
// send; false when a source's directory is unknown or cannot be walked.
func (b *buildPlan) statLocals(ctx context.Context, h io.Writer, srcs []localSource) bool {
	for _, s := range srcs {
		dir, ok := b.localDir(s.name)
		if !ok {
			return false
		}
		fmt.Fprintf(h, "local %s %q %q %q\n", s.name, s.include, s.exclude, s.follow)
		if err := statTree(ctx, h, dir, s); err != nil {
			return false
		}
	}
	return true
}

func statTree(ctx context.Context, h io.Writer, dir string, s localSource) error {
	base, err := fsutil.NewFS(dir)
	if err != nil {
		return err
	}
	filtered, err := fsutil.NewFilterFS(base, &fsutil.FilterOpt{IncludePatterns: s.include, ExcludePatterns: s.exclude, FollowPaths: s.follow})
	if err != nil {
		return err
	}
	return filtered.Walk(ctx, "", func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		host := filepath.Join(dir, p)
		info, err := os.Lstat(host)
		if err != nil {
			return err
		}
		st := statOf(info) // as the output index takes it (treehash.go)
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			link, _ = os.Readlink(host)
		}
		fmt.Fprintf(h, "%q %o %d %d %d %d %q\n", filepath.ToSlash(p), info.Mode(), st.Size, st.Mtime, st.Ctime, st.Ino, link)
		return nil
	})
}

// localsKey is graphKey's share for the local sources: a digest of their
// stat data, or "" when they cannot be read (then no skip).
func (b *buildPlan) localsKey(ctx context.Context, ops [][]byte) string {
	srcs, ok := localSources(ops)
	if !ok {
		return ""
	}
	if len(srcs) == 0 {
		return "none"
	}
	h := sha256.New()
	if !b.statLocals(ctx, h, srcs) {
		return ""
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}
