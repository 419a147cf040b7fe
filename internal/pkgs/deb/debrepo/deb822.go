package debrepo

import (
	"errors"
	"io"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs/deb"
)

// paragraph adapts internal/pkgs/deb's deb822 paragraph (the one parser cairn
// has for Release, Packages, status and .sources files) to the reads this
// package makes: values with each line trimmed, and the paragraph's line.
type paragraph struct {
	p    *deb.Paragraph
	line int
}

// get returns the value of the field named name, compared
// case-insensitively: its lines trimmed and joined by "\n", a continuation
// line " ." standing for an empty line.
func (p paragraph) get(name string) (string, bool) {
	if _, ok := p.p.Lookup(name); !ok {
		return "", false
	}
	lines := p.p.Lines(name)
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "\n"), true
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

// parseDeb822 splits data into paragraphs. Comments are allowed (apt
// allows them in .sources files); duplicate fields are rejected, since two
// values for one field in signed metadata would let reader and writer
// disagree.
func parseDeb822(data string) ([]paragraph, error) {
	r := deb.NewReader(strings.NewReader(data))
	var out []paragraph
	for {
		p, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, paragraph{p: p, line: p.Line()})
	}
}
