package debrepo

import (
	"fmt"
	"strings"
)

// field is one "Name: value" field of a deb822 paragraph. A multi-line
// value keeps its continuation lines, trimmed, separated by "\n"; a
// continuation line holding only "." stands for an empty line.
type field struct {
	name, value string
	line        int
}

// paragraph is one blank-line-separated block of fields.
type paragraph struct {
	fields []field
	line   int
}

// get returns the value of the field named name, compared case-insensitively.
func (p paragraph) get(name string) (string, bool) {
	for _, f := range p.fields {
		if strings.EqualFold(f.name, name) {
			return f.value, true
		}
	}
	return "", false
}

// words returns the whitespace-separated words of a field's value, nil
// when there are none.
func (p paragraph) words(name string) []string {
	v, _ := p.get(name)
	if w := strings.Fields(v); len(w) > 0 {
		return w
	}
	return nil
}

// parseDeb822 splits data into paragraphs. Lines starting with '#' are
// comments (apt allows them in .sources files; they never occur in a
// Release). Duplicate fields are rejected: two different values for one
// field in signed metadata would let reader and writer disagree.
func parseDeb822(data string) ([]paragraph, error) {
	var ps []paragraph
	var cur *paragraph
	for i, line := range strings.Split(data, "\n") {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		switch {
		case strings.HasPrefix(line, "#"):
		case strings.TrimSpace(line) == "":
			cur = nil
		case line[0] == ' ' || line[0] == '\t':
			if cur == nil {
				return nil, fmt.Errorf("line %d: continuation line outside a field", n)
			}
			f := &cur.fields[len(cur.fields)-1]
			f.value += "\n" + continuation(line)
		default:
			if cur == nil {
				ps = append(ps, paragraph{line: n})
				cur = &ps[len(ps)-1]
			}
			if err := cur.add(line, n); err != nil {
				return nil, err
			}
		}
	}
	return ps, nil
}

// continuation returns a continuation line's text.
func continuation(line string) string {
	s := strings.TrimSpace(line)
	if s == "." {
		return ""
	}
	return s
}

// add parses "Name: value" at line n and appends it.
func (p *paragraph) add(line string, n int) error {
	name, value, ok := strings.Cut(line, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return fmt.Errorf("line %d: expected \"Field: value\", got %q", n, line)
	}
	if _, dup := p.get(name); dup {
		return fmt.Errorf("line %d: duplicate field %q", n, name)
	}
	p.fields = append(p.fields, field{name: name, value: strings.TrimSpace(value), line: n})
	return nil
}
