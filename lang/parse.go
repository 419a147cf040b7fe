package lang

import (
	"bytes"
	"errors"
	"strings"

	"go.starlark.net/syntax"
)

// maxSyntaxErrors bounds how many syntax errors one file reports.
const maxSyntaxErrors = 10

// parseFile parses src, reporting all its syntax errors at once.
//
// go.starlark.net's parser stops at the first error, so after each error
// parseFile repairs a copy of the source and parses again, recording each
// new error that lies on a later line than the previous one, up to
// maxSyntaxErrors. A repair never moves text, so the positions of later
// errors stay true. For an error on line L, a repair empties the statement
// holding L, which starts on the line where that statement starts (going
// back over lines that continue an open bracket, string or backslash). Two
// extents of the statement are tried, smallest first:
//
//   - by indentation: L, the more-indented lines after the start (the body
//     of a broken def/if/for, which would otherwise be an "unexpected
//     indent"), the else/elif clauses of a broken if, and continuation
//     lines that are more indented or start with a closing bracket. This
//     survives an unclosed bracket, which would otherwise swallow the rest
//     of the file.
//   - by brackets: every line that continues the statement.
//
// For each extent, if the statement is indented, its first line is first
// replaced by "pass" at the same indentation (keeping the enclosing block
// non-empty), then the extent is blanked; last, line L alone is blanked.
// The first repair that lets the parser get past line L is kept; if none
// does, parseFile stops. Errors after the first may occasionally be
// consequences of a repair rather than real, which is why they must be on a
// later line; duplicates are dropped.
func parseFile(opts *syntax.FileOptions, filename string, src []byte) (*syntax.File, ErrorList) {
	f, err := opts.Parse(filename, src, 0)
	if err == nil {
		return f, nil
	}
	lines := splitLines(src)
	var errs ErrorList
	for err != nil && len(errs) < maxSyntaxErrors {
		var se syntax.Error
		if !errors.As(err, &se) {
			return nil, append(errs, errUnpositioned(err))
		}
		errs = append(errs, errSyntax(se))
		lines, err = nextSyntaxError(opts, filename, lines, int(se.Pos.Line))
	}
	return nil, dedupe(errs)
}

// nextSyntaxError repairs lines around 1-based line l (see parseFile) and
// returns the repaired lines and the next error past line l, or nil
// lines and error when the file is clean or no repair gets past l.
func nextSyntaxError(opts *syntax.FileOptions, filename string, lines [][]byte, l int) ([][]byte, error) {
	for _, fixed := range repairs(lines, l) {
		_, err := opts.Parse(filename, bytes.Join(fixed, nil), 0)
		var se syntax.Error
		if err == nil {
			return nil, nil
		}
		if errors.As(err, &se) && int(se.Pos.Line) > l {
			return fixed, err
		}
	}
	return nil, nil
}

// repairs returns the candidate repairs of an error on 1-based line l, in
// the order to try them.
func repairs(lines [][]byte, l int) [][][]byte {
	if len(lines) == 0 {
		return nil
	}
	i := min(max(l-1, 0), len(lines)-1)
	s := newStatement(lines, i)
	var out [][][]byte
	for _, end := range []int{s.end(false), s.end(true)} {
		if len(s.indent) > 0 {
			pass := append(append([]byte(nil), s.indent...), "pass"...)
			out = append(out, blank(lines, s.start, end, pass))
		}
		out = append(out, blank(lines, s.start, end, nil))
	}
	return append(out, blank(lines, i, i, nil))
}

// statement locates, in lines that do not parse, the statement holding
// line i (0-based).
type statement struct {
	lines  [][]byte
	cont   []bool // see continuations
	i      int    // the line in error
	start  int    // the statement's first line
	indent []byte // the indentation of its first line
}

func newStatement(lines [][]byte, i int) *statement {
	s := &statement{lines: lines, cont: continuations(lines), i: i, start: i}
	for s.start > 0 && s.cont[s.start] {
		s.start--
	}
	s.indent = indentOf(lines[s.start])
	return s
}

// end returns the statement's last line (0-based): by brackets, the last
// line that continues it; otherwise by indentation (see parseFile).
func (s *statement) end(byBrackets bool) int {
	end := s.start
	for end+1 < len(s.lines) && s.belongs(end+1, byBrackets) {
		end++
	}
	return max(end, s.i)
}

// belongs reports whether line j is part of the statement, given that the
// lines before it from the statement's start are.
func (s *statement) belongs(j int, byBrackets bool) bool {
	line := s.lines[j]
	if isBlank(line) || byBrackets && s.cont[j] {
		return true
	}
	n, indent := len(indentOf(line)), len(s.indent)
	rest := string(bytes.TrimSpace(line))
	switch {
	case n > indent:
		return true
	case n < indent:
		return false
	case s.cont[j]:
		return strings.ContainsAny(rest[:1], ")]}")
	}
	return hasKeyword(rest, "else") || hasKeyword(rest, "elif")
}

// hasKeyword reports whether s starts with the keyword kw.
func hasKeyword(s, kw string) bool {
	if len(s) < len(kw) || s[:len(kw)] != kw {
		return false
	}
	if len(s) == len(kw) {
		return true
	}
	c := s[len(kw)]
	return !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
}

// blank returns a copy of lines with lines from..to (0-based, inclusive)
// emptied, except that the first becomes first if non-nil. Line breaks are
// kept, so line numbers do not change.
func blank(lines [][]byte, from, to int, first []byte) [][]byte {
	out := append([][]byte(nil), lines...)
	for k := from; k <= to; k++ {
		out[k] = lineBreak(lines[k])
	}
	if first != nil {
		out[from] = append(append([]byte(nil), first...), lineBreak(lines[from])...)
	}
	return out
}

// lineBreak returns the line terminator of line: "\n", "\r\n", "\r"
// or "" (last line).
func lineBreak(line []byte) []byte {
	n := len(line) - len(bytes.TrimRight(line, "\r\n"))
	return line[len(line)-n:]
}

// splitLines splits src after each line break, which, as for the Starlark
// scanner, is "\n", "\r\n" or a lone "\r".
func splitLines(src []byte) [][]byte {
	var lines [][]byte
	for len(src) > 0 {
		i := bytes.IndexAny(src, "\r\n")
		switch {
		case i < 0:
			i = len(src)
		case bytes.HasPrefix(src[i:], []byte("\r\n")):
			i += 2
		default:
			i++
		}
		lines = append(lines, src[:i])
		src = src[i:]
	}
	return lines
}

// indentOf returns the leading spaces and tabs of line.
func indentOf(line []byte) []byte {
	return line[:len(line)-len(bytes.TrimLeft(line, " \t"))]
}

// isBlank reports whether line holds only white space or a comment.
func isBlank(line []byte) bool {
	rest := bytes.TrimSpace(line)
	return len(rest) == 0 || rest[0] == '#'
}
