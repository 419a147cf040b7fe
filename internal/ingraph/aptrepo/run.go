package aptrepo

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// Run writes the repository req asks for.
func Run(req request.AptRepo) error {
	debs, err := readDebs(req.In, req.Component)
	if err != nil {
		return err
	}
	if len(debs) == 0 {
		return fmt.Errorf("no .deb files in %s", strings.Join(req.In, ", "))
	}
	arches := req.Architectures
	if len(arches) == 0 {
		arches = archesOf(debs)
	}
	w := &writer{root: req.Out}
	for _, d := range debs {
		data, err := os.ReadFile(d.file)
		if err != nil {
			return err
		}
		if err := w.put(d.pool, data); err != nil {
			return err
		}
	}
	dist := path.Join("dists", req.Suite)
	for _, arch := range arches {
		if err := w.index(dist, path.Join(req.Component, "binary-"+arch, "Packages"), packagesIndex(debs, arch)); err != nil {
			return err
		}
	}
	release := w.release(req, arches)
	if err := w.put(path.Join(dist, "Release"), release); err != nil {
		return err
	}
	if req.Key == "" && req.Transit == nil {
		return nil
	}
	return w.sign(req, dist, release)
}

// archesOf is the architectures of the packages, "all" left out unless
// it is the only one.
func archesOf(debs []deb) []string {
	set := map[string]bool{}
	for _, d := range debs {
		if d.arch != "all" {
			set[d.arch] = true
		}
	}
	if len(set) == 0 {
		set["all"] = true
	}
	var out []string
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// writer writes the repository's files and remembers the sums of those
// the Release lists.
type writer struct {
	root string
	sums []sum // relative to the dist directory
}

type sum struct {
	path        string
	size        int64
	md5, sha256 string
}

// put writes data at rel (relative to the root).
func (w *writer) put(rel string, data []byte) error {
	p := filepath.Join(w.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// index writes a Packages index as Packages, Packages.gz and Packages.xz,
// each also under by-hash/SHA256/, and records their sums.
func (w *writer) index(dist, rel string, data []byte) error {
	for _, comp := range []struct{ ext, name string }{{"", "none"}, {".gz", "gzip"}, {".xz", "xz"}} {
		out, err := compress(comp.name, data)
		if err != nil {
			return err
		}
		m, s := md5.Sum(out), sha256.Sum256(out)
		hexSum := hex.EncodeToString(s[:])
		w.sums = append(w.sums, sum{rel + comp.ext, int64(len(out)), hex.EncodeToString(m[:]), hexSum})
		if err := w.put(path.Join(dist, rel+comp.ext), out); err != nil {
			return err
		}
		if err := w.put(path.Join(dist, path.Dir(rel), "by-hash", "SHA256", hexSum), out); err != nil {
			return err
		}
	}
	return nil
}

// compress encodes data with one of archive's deterministic compressors,
// or returns it as it is for "none".
func compress(name string, data []byte) ([]byte, error) {
	if name == "none" {
		return data, nil
	}
	var b bytes.Buffer
	cw, err := archive.NewCompressor(name, &b)
	if err != nil {
		return nil, err
	}
	if _, err := cw.Write(data); err != nil {
		return nil, err
	}
	if err := cw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// release renders the Release file.
func (w *writer) release(req request.AptRepo, arches []string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "Origin: %s\nLabel: %s\nSuite: %s\nCodename: %s\n", req.Origin, req.Origin, req.Suite, req.Suite)
	fmt.Fprintf(&b, "Date: %s\n", req.Epoch.Time().UTC().Format("Mon, 02 Jan 2006 15:04:05 UTC"))
	fmt.Fprintf(&b, "Architectures: %s\nComponents: %s\nAcquire-By-Hash: yes\n", strings.Join(arches, " "), req.Component)
	sort.Slice(w.sums, func(i, j int) bool { return w.sums[i].path < w.sums[j].path })
	b.WriteString("MD5Sum:\n")
	for _, s := range w.sums {
		fmt.Fprintf(&b, " %s %8d %s\n", s.md5, s.size, s.path)
	}
	b.WriteString("SHA256:\n")
	for _, s := range w.sums {
		fmt.Fprintf(&b, " %s %8d %s\n", s.sha256, s.size, s.path)
	}
	return []byte(b.String())
}
