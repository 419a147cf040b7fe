package lang

import "bytes"

// continuations reports, for each line, whether it begins inside an open
// bracket or a triple-quoted string, or after a backslash-newline: whether
// it continues a statement begun on an earlier line. It is a rough scanner,
// enough to find statement boundaries in a file that does not parse.
func continuations(lines [][]byte) []bool {
	cont := make([]bool, len(lines))
	var s lineScanner
	for i, line := range lines {
		cont[i] = s.open()
		s.scan(line)
	}
	return cont
}

// lineScanner tracks what is left open at the end of each line.
type lineScanner struct {
	depth     int    // open brackets
	quote     string // the quote of an open string, or ""
	backslash bool   // the last line ended with a backslash outside strings
}

// open reports whether the next line continues the current statement.
func (s *lineScanner) open() bool {
	return s.depth > 0 || s.quote != "" || s.backslash
}

// scan advances s over one line, which includes its line break.
func (s *lineScanner) scan(line []byte) {
	s.backslash = false
	for k := 0; k < len(line); k++ {
		if s.quote != "" {
			k = s.inString(line, k)
			continue
		}
		switch c := line[k]; c {
		case '#':
			return
		case '(', '[', '{':
			s.depth++
		case ')', ']', '}':
			s.depth = max(s.depth-1, 0)
		case '\'', '"':
			k = s.openString(line, k)
		case '\\':
			s.backslash = isLineBreak(line[k+1:])
		}
	}
	if len(s.quote) == 1 {
		s.quote = "" // a one-quote string cannot span lines: it is an error
	}
}

// openString starts the string whose quote is at line[k] and returns the
// index of the quote's last byte.
func (s *lineScanner) openString(line []byte, k int) int {
	s.quote = string(line[k])
	if triple := bytes.Repeat(line[k:k+1], 3); bytes.HasPrefix(line[k:], triple) {
		s.quote = string(triple)
	}
	return k + len(s.quote) - 1
}

// inString advances over line[k] inside a string and returns the index of
// the last byte consumed.
func (s *lineScanner) inString(line []byte, k int) int {
	switch {
	case line[k] == '\\':
		return k + 1
	case bytes.HasPrefix(line[k:], []byte(s.quote)):
		n := len(s.quote)
		s.quote = ""
		return k + n - 1
	}
	return k
}

// isLineBreak reports whether b is exactly a line break.
func isLineBreak(b []byte) bool {
	return string(b) == "\n" || string(b) == "\r\n" || string(b) == "\r"
}
