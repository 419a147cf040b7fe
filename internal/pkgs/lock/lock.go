// Package lock reads and writes cairn.lock: for every package request a
// recipe makes (one rootfs() for one architecture), the exact packages that
// answer it, each pinned by SHA-256.
//
// The lockfile is what makes a build independent of when it runs: with it,
// cairn fetches no repository metadata at all and downloads exactly the
// recorded files. It is meant to be committed and reviewed, so it is stable
// (sorted, no timestamps, no mirror URLs: mirrors are configuration) and
// diffable (one package per line).
package lock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// FormatVersion is the lockfile format this cairn writes and reads.
const FormatVersion = 1

// File is a parsed cairn.lock.
type File struct {
	Version  int           `json:"version"`
	Repos    []Repo        `json:"repos"`
	Requests []Request     `json:"requests"`
	Packages []pkgs.Locked `json:"packages"`
	// Git pins the refs of git() sources to commits (see git.go); absent
	// when the recipe has none.
	Git []Git `json:"git,omitempty"`
	// Sources pins source packages (see sources.go); absent when the
	// recipe builds none.
	Sources []Source `json:"sources,omitempty"`
}

// Repo records the repository metadata a lock was resolved from.
type Repo struct {
	Name     string `json:"name"`
	Suite    string `json:"suite"`
	Snapshot string `json:"snapshot,omitempty"`
	// Release is the SHA-256 of the verified InRelease (or Release) file.
	Release string `json:"release_sha256"`
	Date    string `json:"date"`
	// Signer is the fingerprint of the key that signed it.
	Signer string `json:"signer"`
}

// Request is one answered request.
type Request struct {
	Key      string   `json:"key"`
	Targets  []string `json:"targets"`
	Arch     string   `json:"arch"`
	Repos    []string `json:"repos"`
	Variant  string   `json:"variant"`
	Packages []string `json:"packages"`
	// Depends are the request's dependency clauses (a build's evaluated
	// build dependencies), absent for plain package lists.
	Depends []string `json:"depends,omitempty"`
	// HostArch is a cross build's host architecture.
	HostArch string `json:"host_arch,omitempty"`
	// Install lists the answer in configure order as name=version:arch.
	Install []string `json:"install"`
	// Base is how many of Install form the configured base layer (see
	// pkgs.Set.Base); absent for one step.
	Base int `json:"base,omitempty"`
}

// Read parses a lockfile; a missing file is (nil, nil).
func Read(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading lockfile: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes lockfile bytes; name is used in messages.
func Parse(name string, data []byte) (*File, error) {
	f := &File{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(f); err != nil {
		return nil, fmt.Errorf("%s: not a cairn lockfile: %w (delete it and run `cairn lock`)", name, err)
	}
	if f.Version != FormatVersion {
		return nil, fmt.Errorf("%s: lockfile format %d, this cairn reads %d; run `cairn lock`", name, f.Version, FormatVersion)
	}
	return f, f.check(name)
}

// check verifies that every request's packages are in the package table.
func (f *File) check(name string) error {
	idx := f.index()
	for _, r := range f.Requests {
		if r.Base < 0 || r.Base > len(r.Install) {
			return fmt.Errorf("%s: request %s has base %d of %d packages; run `cairn lock`", name, r.Key, r.Base, len(r.Install))
		}
		for _, id := range r.Install {
			if _, ok := idx[id]; !ok {
				return fmt.Errorf("%s: request %s installs %s, which the package table lacks; run `cairn lock`", name, r.Key, id)
			}
		}
	}
	return nil
}

// ID is how requests refer to packages: name=version:arch.
func ID(p pkgs.Locked) string { return p.Name + "=" + p.Version + ":" + p.Arch }

func (f *File) index() map[string]pkgs.Locked {
	m := make(map[string]pkgs.Locked, len(f.Packages))
	for _, p := range f.Packages {
		if _, dup := m[ID(p)]; !dup {
			m[ID(p)] = p
		}
	}
	return m
}

// Lookup returns the locked answer to a request key, in configure order.
// A package the table holds from several repositories (one built twice
// into two repositories of the recipe, say) is taken from one the request
// lists, when repos are given, by name.
func (f *File) Lookup(key string, repos ...string) (*pkgs.Set, bool) {
	if f == nil {
		return nil, false
	}
	for _, r := range f.Requests {
		if r.Key != key {
			continue
		}
		byID := make(map[string][]pkgs.Locked, len(f.Packages))
		for _, p := range f.Packages {
			byID[ID(p)] = append(byID[ID(p)], p)
		}
		out := make([]pkgs.Locked, len(r.Install))
		for i, id := range r.Install {
			for j, p := range byID[id] {
				if j == 0 {
					out[i] = p
				}
				if slices.Contains(repos, p.Repo) {
					out[i] = p
					break
				}
			}
		}
		return &pkgs.Set{Packages: out, Base: r.Base}, true
	}
	return nil, false
}

// Sort puts every table in its canonical order.
func (f *File) Sort() {
	sort.Slice(f.Repos, func(i, j int) bool { return repoKey(f.Repos[i]) < repoKey(f.Repos[j]) })
	sort.Slice(f.Requests, func(i, j int) bool { return f.Requests[i].Key < f.Requests[j].Key })
	sort.Slice(f.Packages, func(i, j int) bool { return pkgKey(f.Packages[i]) < pkgKey(f.Packages[j]) })
	for i := range f.Requests {
		sort.Strings(f.Requests[i].Targets)
	}
	sortGit(f.Git)
	sortSources(f.Sources)
}

func repoKey(r Repo) string { return r.Name + "\x00" + r.Suite + "\x00" + r.Snapshot }

func pkgKey(p pkgs.Locked) string {
	return strings.Join([]string{p.Name, p.Arch, p.Version, p.Repo, p.Suite}, "\x00")
}

// Marshal renders the canonical form: sorted, one package per line.
func (f *File) Marshal() ([]byte, error) {
	f.Sort()
	if f.Repos == nil {
		f.Repos = []Repo{} // a lock of git() refs alone: [] rather than null
	}
	if f.Requests == nil {
		f.Requests = []Request{}
	}
	var b bytes.Buffer
	b.WriteString("{\n  \"version\": 1,\n")
	for _, part := range []struct {
		name string
		v    any
	}{{"repos", f.Repos}, {"requests", f.Requests}} {
		body, err := marshal(part.v, "  ")
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "  %q: %s,\n", part.name, body)
	}
	if err := marshalGit(&b, f.Git); err != nil {
		return nil, err
	}
	if err := marshalSources(&b, f.Sources); err != nil {
		return nil, err
	}
	b.WriteString("  \"packages\": [\n")
	for i, p := range f.Packages {
		line, err := marshal(p, "")
		if err != nil {
			return nil, err
		}
		sep := ","
		if i == len(f.Packages)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    %s%s\n", line, sep)
	}
	b.WriteString("  ]\n}\n")
	return b.Bytes(), nil
}

// marshal is json.Marshal(Indent) without HTML escaping (signer UIDs hold
// "<mail>"), trailing newline removed.
func marshal(v any, indent string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent(indent, "  ")
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Write writes the lockfile atomically (temp file, then rename).
func (f *File) Write(path string) error {
	data, err := f.Marshal()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".cairn.lock.*")
	if err != nil {
		return fmt.Errorf("writing lockfile: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing lockfile: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing lockfile: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("writing lockfile: %w", err)
	}
	return os.Rename(tmp.Name(), path)
}
