package deb

import (
	"bufio"
	"bytes"
	"io"
	"slices"
	"strings"
)

// Field is one field of a paragraph.
type Field struct {
	Name string
	// Value is the text after the colon with its first line trimmed; each
	// continuation line follows a "\n" exactly as in the file (leading
	// blank kept, trailing blanks and any "\r" removed).
	Value string
	// Line is the 1-based line of the field's name.
	Line int
}

// Paragraph is one deb822 paragraph: a stanza of a Packages or Release
// index, of dpkg's status file or of an apt .sources file.
type Paragraph struct {
	fields []Field
	line   int
}

// Line is the 1-based line of the paragraph's first field.
func (p *Paragraph) Line() int { return p.line }

// Fields returns the fields in file order.
func (p *Paragraph) Fields() []Field { return slices.Clone(p.fields) }

// Get returns the value of the named field, matched case-insensitively, or
// "" when the paragraph has no such field.
func (p *Paragraph) Get(name string) string {
	v, _ := p.Lookup(name)
	return v
}

// Lookup is Get that also reports whether the field is present.
func (p *Paragraph) Lookup(name string) (string, bool) {
	for i := range p.fields {
		if f := &p.fields[i]; len(f.Name) == len(name) && strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

// Lines returns a multi-line field as text lines, the way Description is
// meant to be read: the first line, then each continuation line without
// its leading blank and with a lone "." standing for an empty line. It
// returns nil when the field is absent.
func (p *Paragraph) Lines(name string) []string {
	v, ok := p.Lookup(name)
	if !ok {
		return nil
	}
	lines := strings.Split(v, "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = lines[i][1:]
		if lines[i] == "." {
			lines[i] = ""
		}
	}
	return lines
}

// String renders the paragraph in deb822 syntax, one "Name: value" per
// field, ending in a newline; reading it back yields the same fields.
func (p *Paragraph) String() string {
	var b strings.Builder
	for _, f := range p.fields {
		b.WriteString(f.Name)
		b.WriteByte(':')
		if f.Value != "" && f.Value[0] != '\n' {
			b.WriteByte(' ')
		}
		b.WriteString(f.Value)
		b.WriteByte('\n')
	}
	return b.String()
}

// Reader reads deb822 paragraphs one at a time.
//
// Paragraphs are separated by one or more blank lines; a line holding only
// spaces and tabs counts as blank. A line starting with a space or tab
// continues the previous field. Lines starting with '#' are comments and
// are skipped wherever they appear: apt allows them in .sources files and
// no index contains one, so accepting them everywhere costs nothing. Lines
// may end in "\n" or "\r\n" (CRLF is tolerated, as apt does); the last
// line need not end in a newline. A field name is printable US-ASCII
// without spaces or ':', not starting with '-'; a name repeated in one
// paragraph (ignoring case) is an error, as in dpkg.
type Reader struct {
	br    *bufio.Reader
	line  int
	err   error
	long  []byte // a line longer than br's buffer
	buf   []byte // the current paragraph's names and values
	spans []span
}

// span locates one field in Reader.buf: name is buf[name:value], the value
// buf[value:end].
type span struct {
	name, value, end, line int
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10)}
}

// Next returns the next paragraph, or io.EOF after the last one. Errors are
// *SyntaxError naming the offending line, or I/O errors; after an error
// Next keeps returning it.
func (r *Reader) Next() (*Paragraph, error) {
	if r.err != nil {
		return nil, r.err
	}
	p, err := r.next()
	if err != nil {
		r.err = err
	}
	return p, err
}

// next reads lines up to the end of a paragraph.
func (r *Reader) next() (*Paragraph, error) {
	r.buf, r.spans = r.buf[:0], r.spans[:0]
	for {
		line, err := r.readLine()
		if err == io.EOF && len(r.spans) > 0 {
			return r.paragraph(), nil
		}
		if err != nil {
			return nil, err
		}
		done, err := r.addLine(line)
		if err != nil {
			return nil, err
		}
		if done {
			return r.paragraph(), nil
		}
	}
}

// addLine takes one line into the current paragraph and reports whether
// the line ended it.
func (r *Reader) addLine(line []byte) (bool, error) {
	switch {
	case isBlankLine(line):
		return len(r.spans) > 0, nil
	case line[0] == '#':
		return false, nil
	case line[0] == ' ' || line[0] == '\t':
		return false, r.continuation(line)
	}
	return false, r.field(line)
}

// field starts a new field from a "Name: value" line.
func (r *Reader) field(line []byte) error {
	i := bytes.IndexByte(line, ':')
	if bytes.HasPrefix(line, []byte("-----BEGIN PGP")) {
		return errLine(r.line, "OpenPGP armor: verify the signature and strip it before parsing")
	}
	if i < 0 {
		return errLine(r.line, "expected \"Name: value\", found %s", quote(string(line)))
	}
	name := line[:i]
	if msg := fieldNameProblem(name); msg != "" {
		return errLine(r.line, "field name %s %s", quote(string(name)), msg)
	}
	if prev := r.find(name); prev != nil {
		return errLine(r.line, "duplicate field %s (first at line %d)", quote(string(name)), prev.line)
	}
	s := span{name: len(r.buf), line: r.line}
	r.buf = append(r.buf, name...)
	s.value = len(r.buf)
	r.buf = append(r.buf, trimRight(trimLeft(line[i+1:]))...)
	s.end = len(r.buf)
	r.spans = append(r.spans, s)
	return nil
}

// continuation appends a continuation line to the current field.
func (r *Reader) continuation(line []byte) error {
	if len(r.spans) == 0 {
		return errLine(r.line, "continuation line %s outside a field", quote(string(line)))
	}
	r.buf = append(r.buf, '\n')
	r.buf = append(r.buf, trimRight(line)...)
	r.spans[len(r.spans)-1].end = len(r.buf)
	return nil
}

// find returns the field named name (ignoring case) read so far, or nil.
func (r *Reader) find(name []byte) *span {
	for i := range r.spans {
		s := &r.spans[i]
		if s.value-s.name == len(name) && bytes.EqualFold(r.buf[s.name:s.value], name) {
			return s
		}
	}
	return nil
}

// paragraph turns the collected fields into a Paragraph. All names and
// values share one string, so a paragraph costs three allocations.
func (r *Reader) paragraph() *Paragraph {
	text := string(r.buf)
	fields := make([]Field, len(r.spans))
	for i, s := range r.spans {
		fields[i] = Field{Name: text[s.name:s.value], Value: text[s.value:s.end], Line: s.line}
	}
	return &Paragraph{fields: fields, line: fields[0].Line}
}

// readLine returns the next line without its line ending, or io.EOF.
func (r *Reader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.br.ReadSlice('\n')
			r.long = append(r.long, line...)
		}
		line = r.long
	}
	if err != nil && (err != io.EOF || len(line) == 0) {
		if err != io.EOF {
			err = errRead(r.line, err)
		}
		return nil, err
	}
	r.line++
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r")), nil
}

// isBlankByte reports whether c is one of the characters trimmed around
// values: space, tab and a stray carriage return. A line of nothing else
// is blank.
func isBlankByte(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

func isBlankLine(line []byte) bool { return len(trimLeft(line)) == 0 }

func trimLeft(b []byte) []byte {
	for len(b) > 0 && isBlankByte(b[0]) {
		b = b[1:]
	}
	return b
}

func trimRight(b []byte) []byte {
	for len(b) > 0 && isBlankByte(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// fieldNameProblem says what is wrong with a field name, or returns "".
func fieldNameProblem(name []byte) string {
	if len(name) == 0 {
		return "is empty"
	}
	if name[0] == '-' {
		return "starts with '-'"
	}
	for _, c := range name {
		if c <= ' ' || c >= 0x7f {
			return "contains a space, control or non-ASCII character"
		}
	}
	return ""
}
