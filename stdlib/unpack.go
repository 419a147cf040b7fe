package stdlib

import (
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"go.starlark.net/starlark"
)

// Shared unpackers for the domain types, so every builtin phrases a bad
// argument the same way. Each implements starlark.Unpacker and remembers
// its builtin and parameter name for the message.

// relPath is a slash-separated path inside a tree: no "..", no leading "/".
type relPath struct {
	v string
}

func (p *relPath) Unpack(v starlark.Value) error {
	s, ok := starlark.AsString(v)
	if !ok {
		return errGot(v.Type(), "a string path")
	}
	clean, err := cleanRel(s)
	if err != nil {
		return errGot(fmt.Sprintf("%q", s), err.Error())
	}
	p.v = clean
	return nil
}

func cleanRel(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("a non-empty relative path")
	}
	c := path.Clean(strings.TrimPrefix(s, "./"))
	if path.IsAbs(s) || c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("a relative path that stays inside the tree")
	}
	return c, nil
}

// absPath is an absolute path inside a container, e.g. a mount point.
type absPath struct {
	v string
}

func (p *absPath) Unpack(v starlark.Value) error {
	s, ok := starlark.AsString(v)
	if !ok || !path.IsAbs(s) {
		return errGot(repr(v), `an absolute path like "/out"`)
	}
	p.v = path.Clean(s)
	return nil
}

// sha256Sum is a hex SHA-256, optionally prefixed "sha256:".
type sha256Sum struct {
	v string
}

func (c *sha256Sum) Unpack(v starlark.Value) error {
	s, _ := starlark.AsString(v)
	hexs := strings.TrimPrefix(s, "sha256:")
	if b, err := hex.DecodeString(hexs); err != nil || len(b) != 32 {
		return errGot(repr(v), `a SHA-256 like "sha256:<64 hex digits>"`)
	}
	c.v = "sha256:" + strings.ToLower(hexs)
	return nil
}

// platformArg is an OCI platform such as "linux/arm64".
type platformArg struct {
	v *ocispecs.Platform
}

func (p *platformArg) Unpack(v starlark.Value) error {
	s, ok := starlark.AsString(v)
	if !ok {
		return errGot(v.Type(), `a platform like "linux/arm64"`)
	}
	pl, err := platforms.Parse(s)
	if err != nil {
		return errGot(fmt.Sprintf("%q", s), `a platform like "linux/arm64"`)
	}
	pl = platforms.Normalize(pl)
	p.v = &pl
	return nil
}

// stringList is a list or tuple of strings.
type stringList struct {
	v []string
}

func (l *stringList) Unpack(v starlark.Value) error {
	it, ok := v.(starlark.Iterable)
	if !ok || isString(v) {
		return errGot(v.Type(), "a list of strings")
	}
	iter := it.Iterate()
	defer iter.Done()
	var x starlark.Value
	for iter.Next(&x) {
		s, ok := starlark.AsString(x)
		if !ok {
			return errGot("a list holding "+x.Type(), "a list of strings")
		}
		l.v = append(l.v, s)
	}
	return nil
}

// fileMode is a Unix permission such as 0o644.
type fileMode struct {
	v int
}

func (m *fileMode) Unpack(v starlark.Value) error {
	var i int
	if err := starlark.AsInt(v, &i); err != nil || i < 0 || i > 0o7777 {
		return errGot(repr(v), "a file mode like 0o644")
	}
	m.v = i
	return nil
}

// artifactArg is an artifact value.
type artifactArg struct {
	v *Artifact
}

func (a *artifactArg) Unpack(v starlark.Value) error {
	art, ok := v.(*Artifact)
	if !ok {
		return errGot(v.Type(), "an artifact (from local(), http(), run(), files(), ...)")
	}
	a.v = art
	return nil
}

// stringDict is a dict with string keys, returned in key order.
func sortedItems(fn, param string, d *starlark.Dict) ([]string, []starlark.Value, error) {
	items := d.Items()
	keys := make([]string, len(items))
	vals := make([]starlark.Value, len(items))
	sort.Slice(items, func(i, j int) bool { return items[i][0].String() < items[j][0].String() })
	for i, kv := range items {
		k, ok := starlark.AsString(kv[0])
		if !ok {
			return nil, nil, errParam(fn, param, "a dict key of type "+kv[0].Type(), "string keys")
		}
		keys[i], vals[i] = k, kv[1]
	}
	return keys, vals, nil
}

func isString(v starlark.Value) bool {
	_, ok := v.(starlark.String)
	return ok
}

func repr(v starlark.Value) string {
	if s, ok := v.(starlark.String); ok {
		return fmt.Sprintf("%q", string(s))
	}
	return v.String()
}
