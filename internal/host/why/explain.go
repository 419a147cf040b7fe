package why

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Report is why a build of a target differs from the one before.
type Report struct {
	Target string `json:"target"`
	// Steps is how many vertices the graph has; Ran how many of its
	// exec steps ran; Changed how many vertices are new.
	Steps   int     `json:"steps"`
	Ran     int     `json:"ran"`
	Changed int     `json:"changed"`
	Causes  []Cause `json:"causes"`
}

// Cause is a first step that changed: nothing it depends on did.
type Cause struct {
	At   string `json:"at,omitempty"`
	Name string `json:"name,omitempty"`
	Kind string `json:"kind"`
	// What says what changed, a line each.
	What []string `json:"what"`
	// Below counts the steps that depend on it and changed (or, for a
	// local tree, ran) with it.
	Below int `json:"below"`
}

// Lock finds the line of cairn.lock that holds a string, as "cairn.lock:N".
type Lock func(needle string) string

// LockText is a Lock over the text of a lock file named name.
func LockText(name, text string) Lock {
	lines := strings.Split(text, "\n")
	return func(needle string) string {
		if needle == "" {
			return ""
		}
		for i, l := range lines {
			if strings.Contains(l, needle) {
				return fmt.Sprintf("%s:%d", name, i+1)
			}
		}
		return ""
	}
}

// Explain compares cur with prev, the build before it.
func Explain(prev, cur *Record, lock Lock) Report {
	if lock == nil {
		lock = func(string) string { return "" }
	}
	before, now := byDigest(prev.Steps), byDigest(cur.Steps)
	r := Report{Target: cur.Target, Steps: len(cur.Steps)}
	changed := map[string]bool{}
	for _, s := range cur.Steps {
		if before[s.Digest] == nil {
			changed[s.Digest] = true
			r.Changed++
		}
		if s.Ran {
			r.Ran++
		}
	}
	users := map[string][]string{}
	for _, s := range cur.Steps {
		for _, in := range s.Inputs {
			users[in] = append(users[in], s.Digest)
		}
	}
	below := func(d string, count func(*Step) bool) int {
		seen := map[string]bool{d: true}
		queue, n := []string{d}, 0
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			for _, u := range users[x] {
				if !seen[u] {
					seen[u] = true
					queue = append(queue, u)
					if count(now[u]) {
						n++
					}
				}
			}
		}
		return n
	}
	for _, s := range cur.Steps {
		if !changed[s.Digest] {
			if old := before[s.Digest]; old != nil && s.Files != nil {
				if what := fileChanges(old.Files, s.Files); len(what) > 0 {
					r.Causes = append(r.Causes, Cause{At: s.At, Name: s.Name, Kind: "local", What: what,
						Below: below(s.Digest, func(u *Step) bool { return u.Ran })})
				}
			}
			continue
		}
		root := true
		for _, in := range s.Inputs {
			if changed[in] {
				root = false
			}
		}
		if !root {
			continue
		}
		c := Cause{At: s.At, Name: s.Name, Kind: s.Kind, Below: below(s.Digest, func(u *Step) bool { return changed[u.Digest] })}
		c.What = describe(counterpart(prev.Steps, &s), &s, lock)
		r.Causes = append(r.Causes, c)
	}
	if len(r.Causes) == 0 && r.Ran > 0 {
		r.Causes = append(r.Causes, Cause{Kind: "cache", Below: r.Ran, What: []string{
			"nothing in the graph changed: the engine no longer had these steps cached (a fresh or pruned engine, another engine, or --no-cache)"}})
	}
	sort.SliceStable(r.Causes, func(i, j int) bool {
		a, b := r.Causes[i], r.Causes[j]
		if a.Below != b.Below {
			return a.Below > b.Below
		}
		return a.At+a.Name < b.At+b.Name
	})
	return r
}

// counterpart is the step of the earlier build that s replaced: for a
// source, the one fetching the same thing (the same package, repository
// or local tree); otherwise one of the same kind at the same recipe line
// (and name, when one has it) whose definition differs least.
func counterpart(prev []Step, s *Step) *Step {
	var best *Step
	bestN := -1
	key := sourceKey(s)
	for i := range prev {
		p := &prev[i]
		if p.Kind != s.Kind {
			continue
		}
		if key != "" && sourceKey(p) != key || key == "" && (p.At != s.At || s.At == "" && p.Name != s.Name) {
			continue
		}
		n := len(diff(p.Def, s.Def))
		if p.Name != s.Name {
			n += 1000
		}
		if bestN < 0 || n < bestN {
			best, bestN = p, n
		}
	}
	return best
}

// sourceKey names what a source step fetches, whatever its version: a
// package by name and architecture, a repository without its commit, a
// local tree by its name and patterns, a URL.
func sourceKey(s *Step) string {
	if s.Kind != "source" {
		return ""
	}
	id := s.Def[identifierKey]
	switch {
	case strings.HasSuffix(id, ".deb"):
		name, _ := debName(id)
		parts := strings.Split(strings.TrimSuffix(path.Base(id), ".deb"), "_")
		return "deb:" + name + ":" + parts[len(parts)-1]
	case strings.HasPrefix(id, "local://"):
		return id + " " + s.Def[attrsKey+"local.includepattern"] + s.Def[attrsKey+"local.followpaths"]
	}
	return beforeHash(id)
}

// describe says what changed from old to s, in the terms of the step.
func describe(old, s *Step, lock Lock) []string {
	if old == nil {
		return []string{"a new step: the build before had none like it here"}
	}
	if s.Kind == "source" {
		if what := describeSource(old.Def, s.Def, lock); what != "" {
			return []string{what}
		}
	}
	keys := diff(old.Def, s.Def)
	const most = 6
	var out []string
	for i, k := range keys {
		if i == most {
			out = append(out, fmt.Sprintf("and %d more fields", len(keys)-most))
			break
		}
		a, b := old.Def[k], s.Def[k]
		if strings.HasSuffix(k, "mkfile.data") {
			a, b = text(a), text(b)
			if p := s.Def[strings.TrimSuffix(k, "data")+"path"]; p != "" {
				k = "file " + p
			}
		}
		out = append(out, fmt.Sprintf("%s: %s -> %s", pretty(k), clip(a), clip(b)))
	}
	if len(out) == 0 {
		out = []string{"its inputs are the same; its definition differs in what this record does not keep"}
	}
	return out
}

const (
	identifierKey = "Op.source.identifier"
	attrsKey      = "Op.source.attrs."
)

// describeSource names a package, commit, helper or file that changed.
func describeSource(old, cur map[string]string, lock Lock) string {
	a, b := old[identifierKey], cur[identifierKey]
	switch {
	case strings.HasSuffix(a, ".deb") && strings.HasSuffix(b, ".deb"):
		pa, va := debName(a)
		pb, vb := debName(b)
		if pa == pb {
			at := lock(path.Base(b))
			if at == "" {
				at = lock(strings.TrimPrefix(cur[attrsKey+"http.checksum"], "sha256:"))
			}
			return fmt.Sprintf("package %s changed %s -> %s%s", pb, va, vb, paren(at))
		}
	case strings.HasPrefix(b, "git://") || strings.Contains(b, ".git#"):
		ca, cb := afterHash(a), afterHash(b)
		if ca != cb {
			return fmt.Sprintf("git %s: commit %s -> %s%s", beforeHash(b), short(ca), short(cb), paren(lock(cb)))
		}
	case strings.HasPrefix(b, "local://"):
		ha, hb := old[attrsKey+"local.sharedkeyhint"], cur[attrsKey+"local.sharedkeyhint"]
		if strings.Contains(hb, "@sha256:") && ha != hb {
			return fmt.Sprintf("the cairn helper changed: %s -> %s (a cairn of another version)", short(afterAt(ha)), short(afterAt(hb)))
		}
	case strings.HasPrefix(b, "http"):
		ca, cb := old[attrsKey+"http.checksum"], cur[attrsKey+"http.checksum"]
		if a != b {
			return fmt.Sprintf("download %s -> %s", clip(a), clip(b))
		}
		if ca != cb {
			return fmt.Sprintf("download %s: sha256 %s -> %s", clip(b), short(ca), short(cb))
		}
	}
	return ""
}

// debName is a .deb URL's package name and version.
func debName(u string) (string, string) {
	base := path.Base(u)
	if p, err := url.PathUnescape(base); err == nil {
		base = p
	}
	parts := strings.SplitN(strings.TrimSuffix(base, ".deb"), "_", 3)
	if len(parts) < 2 {
		return base, ""
	}
	return parts[0], parts[1]
}

func afterHash(s string) string {
	if i := strings.LastIndexByte(s, '#'); i >= 0 {
		return s[i+1:]
	}
	return ""
}

func beforeHash(s string) string {
	if i := strings.LastIndexByte(s, '#'); i >= 0 {
		return s[:i]
	}
	return s
}

func afterAt(s string) string {
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func short(s string) string {
	s = strings.TrimPrefix(s, "sha256:")
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func clip(s string) string {
	if s == "" {
		return "(none)"
	}
	if len(s) > 72 {
		return s[:69] + "..."
	}
	return s
}

// text is a file's base64 content as a quoted string, when it is text.
func text(b64 string) string {
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || !utf8.Valid(data) {
		return b64
	}
	return strconv.Quote(string(data))
}

// pretty shortens a flattened definition path.
func pretty(k string) string {
	k = strings.TrimPrefix(k, "Op.")
	k = strings.Replace(k, "exec.meta.args", "args", 1)
	return strings.ToLower(k[:1]) + k[1:]
}

// diff lists the keys whose values differ, sorted.
func diff(a, b map[string]string) []string {
	var keys []string
	for k, v := range a {
		if b[k] != v {
			keys = append(keys, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// fileChanges lists a local tree's added, removed and modified files.
func fileChanges(old, cur map[string]string) []string {
	var added, removed, modified []string
	for p, s := range cur {
		switch o, ok := old[p]; {
		case !ok:
			added = append(added, p)
		case o != s:
			modified = append(modified, p)
		}
	}
	for p := range old {
		if _, ok := cur[p]; !ok {
			removed = append(removed, p)
		}
	}
	var out []string
	for _, g := range []struct {
		verb  string
		paths []string
	}{{"modified", modified}, {"added", added}, {"removed", removed}} {
		if len(g.paths) == 0 {
			continue
		}
		sort.Strings(g.paths)
		list := g.paths
		more := ""
		if len(list) > 5 {
			more = fmt.Sprintf(" and %d more", len(list)-5)
			list = list[:5]
		}
		out = append(out, fmt.Sprintf("%s %s%s", g.verb, strings.Join(list, ", "), more))
	}
	return out
}

// Text writes the report as a tree.
func (r Report) Text(w io.Writer) {
	fmt.Fprintf(w, "%s: %d exec steps ran; %d of %d steps are new since the build before\n", r.Target, r.Ran, r.Changed, r.Steps)
	if len(r.Causes) == 0 {
		fmt.Fprintln(w, "  nothing changed and nothing ran")
		return
	}
	for i, c := range r.Causes {
		branch, stem := "├─", "│ "
		if i == len(r.Causes)-1 {
			branch, stem = "└─", "  "
		}
		fmt.Fprintf(w, "%s %s\n", branch, c.title())
		for _, l := range c.What {
			fmt.Fprintf(w, "%s   %s\n", stem, l)
		}
		if c.Below > 0 {
			fmt.Fprintf(w, "%s   %d step(s) below it %s as a consequence\n", stem, c.Below, map[bool]string{true: "ran", false: "changed"}[c.Kind == "local" || c.Kind == "cache"])
		}
	}
}

func (c Cause) title() string {
	where := c.At
	if where == "" {
		where = "(no recipe line)"
	}
	switch c.Kind {
	case "local":
		return fmt.Sprintf("%s: the files of %s changed", where, quoteName(c.Name))
	case "cache":
		return "cache misses"
	}
	return fmt.Sprintf("%s: %s %s changed", where, c.Kind, quoteName(c.Name))
}

func quoteName(n string) string {
	if n == "" {
		return "step"
	}
	return fmt.Sprintf("%q", n)
}

// First is the first cause in a line, for the end of `cairn build`.
func (r Report) First() string {
	if len(r.Causes) == 0 {
		return ""
	}
	c := r.Causes[0]
	s := c.At
	if s == "" && len(c.What) > 0 {
		return c.What[0]
	}
	if s == "" {
		s = c.title()
	}
	if len(c.What) > 0 {
		s += " (" + c.What[0] + ")"
	}
	return s
}
