// Package why answers "why did this rebuild?". Each build of a target
// records its steps — every vertex of the graph with its recipe line,
// its own definition (flattened, without its inputs), its inputs'
// digests and whether it ran — and, for local() sources, the stat data
// of the files they read (the graph names a local tree, not its
// content). Explain compares two records: the steps that are new, the
// first of them (whose inputs did not change) are the causes, and each
// cause is told at its recipe line in the terms of what changed: a
// package's version with its cairn.lock line, a git commit, a file of a
// local() tree, the helper, a command's argument. BitBake's diffsigs
// compares task signatures; this compares LLB vertices, which are what
// BuildKit keys its cache on.
package why

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/cairn-build/cairn/internal/host/llbdump"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"github.com/tonistiigi/fsutil"
)

// Version is the record format's.
const Version = 1

// Record is one build of a target.
type Record struct {
	Version int    `json:"version"`
	Target  string `json:"target"`
	Steps   []Step `json:"steps"`
}

// Step is one vertex of the target's graph.
type Step struct {
	Digest string `json:"digest"`
	// Kind is exec, source, file, merge, diff or build (llbdump.Kind).
	Kind string `json:"kind"`
	Name string `json:"name,omitempty"`
	// At is the recipe position (file:line) the vertex came from.
	At     string   `json:"at,omitempty"`
	Inputs []string `json:"inputs,omitempty"`
	// Def is the vertex's own definition, flattened to path -> value
	// (a helper's JSON request is flattened too), inputs left out.
	Def map[string]string `json:"def"`
	// Ran says the step ran in this build (an exec step not answered
	// from the cache).
	Ran bool `json:"ran,omitempty"`
	// Files are a local source's files (path -> size and mtime).
	Files map[string]string `json:"files,omitempty"`
}

// Local is the session local a source step reads ("" for another step).
func (s Step) Local() string {
	name, _ := strings.CutPrefix(s.Def[identifierKey], "local://")
	if name == s.Def[identifierKey] {
		return ""
	}
	return name
}

// Options say where local sources live and which steps ran.
type Options struct {
	// LocalDir maps a session local's name to its directory on this
	// machine; "" for a local not to be read (the helper's).
	LocalDir func(name string) string
	// Ran says whether the vertex of digest d ran.
	Ran func(d string) bool
	// Root, when set, is the project directory: recipe positions under
	// it are recorded relative to it.
	Root string
}

// FromDefs records the vertices of a target's definitions (one per
// platform), each once.
func FromDefs(ctx context.Context, target string, defs []*llb.Definition, o Options) (*Record, error) {
	r := &Record{Version: Version, Target: target}
	seen := map[string]bool{}
	for _, def := range defs {
		ops, err := llbdump.Ops(def)
		if err != nil {
			return nil, err
		}
		at := llbdump.Positions(def, o.Root)
		for _, op := range ops {
			d := op.Digest.String()
			if seen[d] || op.Op.Op == nil { // the terminal vertex has no op
				continue
			}
			seen[d] = true
			s := Step{Digest: d, Kind: llbdump.Kind(op.Op), At: at[d], Def: flatten(op.Op)}
			if op.Metadata != nil {
				s.Name = op.Metadata.Description["llb.customname"]
			}
			for _, in := range op.Op.Inputs {
				s.Inputs = append(s.Inputs, in.Digest)
			}
			if o.Ran != nil {
				s.Ran = o.Ran(d)
			}
			if src := op.Op.GetSource(); src != nil && strings.HasPrefix(src.Identifier, "local://") && o.LocalDir != nil {
				if dir := o.LocalDir(strings.TrimPrefix(src.Identifier, "local://")); dir != "" {
					if s.Files, err = localFiles(ctx, dir, src.Attrs); err != nil {
						return nil, err
					}
				}
			}
			r.Steps = append(r.Steps, s)
		}
	}
	sort.Slice(r.Steps, func(i, j int) bool { return r.Steps[i].Digest < r.Steps[j].Digest })
	return r, nil
}

// flatten writes op as path -> value, without its inputs; a JSON
// argument (a helper's --request) is flattened under its path too.
func flatten(op *pb.Op) map[string]string {
	c := op.CloneVT()
	c.Inputs = nil
	data, err := json.Marshal(c)
	out := map[string]string{}
	var v any
	if err != nil || json.Unmarshal(data, &v) != nil {
		out[""] = string(data)
		return out
	}
	walk("", v, out)
	return out
}

func walk(path string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			walk(join(path, k), e, out)
		}
	case []any:
		for i, e := range x {
			walk(path+"["+strconv.Itoa(i)+"]", e, out)
		}
	case string:
		if strings.HasPrefix(x, "{") {
			var inner any
			if json.Unmarshal([]byte(x), &inner) == nil {
				walk(path+"{}", inner, out)
				return
			}
		}
		out[path] = x
	case nil:
	default:
		b, _ := json.Marshal(x)
		out[path] = string(b)
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// localFiles is the stat data of the files a local source sends, by the
// same include and exclude patterns BuildKit's session gives fsutil.
func localFiles(ctx context.Context, dir string, attrs map[string]string) (map[string]string, error) {
	var opt fsutil.FilterOpt
	for attr, dst := range map[string]*[]string{pb.AttrIncludePatterns: &opt.IncludePatterns, pb.AttrExcludePatterns: &opt.ExcludePatterns, pb.AttrFollowPaths: &opt.FollowPaths} {
		if v := attrs[attr]; v != "" {
			if err := json.Unmarshal([]byte(v), dst); err != nil {
				return nil, fmt.Errorf("local source %s: %s: %w", dir, attr, err)
			}
		}
	}
	files := map[string]string{}
	err := fsutil.Walk(ctx, dir, &opt, func(p string, info fs.FileInfo, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if info.Mode().IsRegular() || info.Mode()&fs.ModeSymlink != 0 {
			files[filepath.ToSlash(p)] = fmt.Sprintf("%d@%d %o", info.Size(), info.ModTime().UnixNano(), info.Mode())
		}
		return nil
	})
	return files, err
}

// Write stores r at path (a temporary file renamed into place), keeping
// the record it replaces as the previous one (prevPath).
func (r *Record) Write(path, prevPath string) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path+".tmp", data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(path, prevPath); err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.Rename(path+".tmp", path)
}

// Read loads a record.
func Read(path string) (*Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.Version != Version {
		return nil, fmt.Errorf("%s: a record of format %d, this cairn reads %d: build again", path, r.Version, Version)
	}
	return &r, nil
}

// byDigest indexes steps.
func byDigest(steps []Step) map[string]*Step {
	m := make(map[string]*Step, len(steps))
	for i := range steps {
		m[steps[i].Digest] = &steps[i]
	}
	return m
}
