package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/host/why"
	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// targetResult is the build record written beside each output as
// <out>/<target>.cairn.json: what was built, from what, with which epoch.
type targetResult struct {
	Target    string      `json:"target"`
	Recipe    string      `json:"recipe"`
	Platforms []string    `json:"platforms,omitempty"`
	Epoch     epoch.Epoch `json:"source_date_epoch"`
	// Digest is cairn's tree digest of the output: SHA-256 over every
	// entry's path, mode and content (a file's SHA-256, a link's target)
	// in path order (treehash.go).
	Digest string `json:"digest"`
	// Sums are the SHA-256 (hex, as sha256sum prints it) of each regular
	// file of the output, by path inside it.
	Sums map[string]string `json:"files_sha256,omitempty"`
	// Graph is the digest of the target's LLB when the LLB alone decides
	// the output (see uptodate.go); empty otherwise.
	Graph string `json:"graph,omitempty"`
	// Withheld lists what the directory export did not write to the host
	// as the graph had it (see hostsafe.go).
	Withheld []Withheld `json:"withheld,omitempty"`
	// Files is the output's file index (see treehash.go): a no-op build
	// reads only the files whose stat data changed since. It is the
	// machine's, not the build's (inodes, ctimes), so it is kept apart
	// from the record, in DIR/.cairn-index/<target>.json.
	Files fileIndex `json:"-"`
	Dir   string    `json:"-"`
	// Fresh is set when the output was already up to date.
	Fresh bool `json:"-"`
	// why is what changed since the build before, when it was recorded.
	why *why.Report
}

// output is a target's output directory being replaced atomically: the
// engine exports into tmp, and commit swaps it in; until then the previous
// output is untouched, and a failed build leaves it as it was.
type output struct {
	dir, tmp, record, index string
}

// indexDir holds each target's file index beside the outputs.
const indexDir = ".cairn-index"

func indexPath(root, target string) string { return filepath.Join(root, indexDir, target+".json") }

// readIndex is a target's file index, or nil.
func readIndex(path string) fileIndex {
	var x fileIndex
	if data, err := os.ReadFile(path); err == nil && json.Unmarshal(data, &x) == nil {
		return x
	}
	return nil
}

// writeIndex saves a file index, best effort: without it the next
// up-to-date check reads the output again, nothing worse.
func writeIndex(path string, x fileIndex) {
	data, err := json.Marshal(x)
	if err != nil || os.MkdirAll(filepath.Dir(path), 0o755) != nil {
		return
	}
	if os.WriteFile(path+".tmp", data, 0o644) == nil {
		os.Rename(path+".tmp", path)
	}
}

func newOutput(root, target string) (*output, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	tmp, err := os.MkdirTemp(root, "."+target+".tmp-")
	if err == nil {
		err = os.Chmod(tmp, 0o755)
	}
	if err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	return &output{
		dir:    filepath.Join(root, target),
		tmp:    tmp,
		record: filepath.Join(root, target+".cairn.json"),
		index:  indexPath(root, target),
	}, nil
}

// discard removes whatever commit did not move into place.
func (o *output) discard() { os.RemoveAll(o.tmp) }

// commit digests the output with the sums untar took (reading no file
// again), swaps it in and writes its SBOM and provenance (docs makes them
// from the digested result), the record and the file index. The record
// comes last: an output without it is built again.
func (o *output) commit(res *targetResult, sums map[string]string, docs func(*targetResult) (documents, error)) error {
	d, index, err := treeDigest(o.tmp, sumsOf(sums))
	if err != nil {
		return fmt.Errorf("hashing output of %s: %w", res.Target, err)
	}
	res.Digest, res.Dir, res.Files = d, o.dir, index
	res.Sums = make(map[string]string, len(index))
	for rel, st := range index {
		res.Sums[rel] = st.Sum
	}
	ds, err := docs(res)
	if err != nil {
		return err
	}
	if err := o.swap(); err != nil {
		return err
	}
	if err := ds.write(filepath.Dir(o.dir), res.Target); err != nil {
		return err
	}
	if err := writeRecord(o.record, res); err != nil {
		return err
	}
	writeIndex(o.index, index)
	return nil
}

// swap moves tmp to dir, keeping the old output until the new one is there.
func (o *output) swap() error {
	old := o.tmp + ".old"
	hadOld := os.Rename(o.dir, old) == nil
	if err := os.Rename(o.tmp, o.dir); err != nil {
		if hadOld {
			os.Rename(old, o.dir)
		}
		return fmt.Errorf("replacing %s: %w", o.dir, err)
	}
	return os.RemoveAll(old)
}

func writeRecord(path string, res *targetResult) error {
	dt, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("build record: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(dt, '\n'), 0o644); err != nil {
		return fmt.Errorf("build record: %w", err)
	}
	return os.Rename(tmp, path)
}

func platformIDs(ps []ocispecs.Platform) []string {
	var out []string
	for _, p := range ps {
		out = append(out, platforms.Format(p))
	}
	return out
}
