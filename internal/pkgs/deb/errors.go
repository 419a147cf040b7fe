package deb

import (
	"fmt"
	"strings"
)

// SyntaxError reports malformed control data at a line of the input.
type SyntaxError struct {
	// Line is 1-based.
	Line int
	Msg  string
}

// Error renders "line N: message".
func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// errLine builds a SyntaxError for line n.
func errLine(n int, format string, args ...any) error {
	return &SyntaxError{Line: n, Msg: fmt.Sprintf(format, args...)}
}

// errRead wraps an I/O error met while reading line n.
func errRead(n int, err error) error {
	return fmt.Errorf("deb: reading control data after line %d: %w", n, err)
}

// errVersion reports a version string dpkg would reject or warn about.
func errVersion(v, reason string) error {
	return fmt.Errorf("version %q: %s", v, reason)
}

// errRelation reports a malformed entry of a relation field.
func errRelation(entry, format string, args ...any) error {
	return fmt.Errorf("relation %q: %s", strings.TrimSpace(entry), fmt.Sprintf(format, args...))
}

// errRelationWrap reports a relation entry whose part failed validation.
func errRelationWrap(entry string, err error) error {
	return fmt.Errorf("relation %q: %w", strings.TrimSpace(entry), err)
}

// errField adds the field name to an error about its value.
func errField(field string, err error) error {
	return fmt.Errorf("%s: %w", field, err)
}

// errFieldValue reports a field whose value is not one the format allows.
func errFieldValue(field, value, want string) error {
	return fmt.Errorf("%s: invalid value %q (want %s)", field, value, want)
}

// errMissing reports a required field that is absent or empty.
func errMissing(field string) error {
	return fmt.Errorf("missing %s field", field)
}

// errParagraph places an error inside the Packages paragraph at line n of
// the index named repo.
func errParagraph(repo string, n int, err error) error {
	return fmt.Errorf("%s: Packages paragraph at line %d: %w", repo, n, err)
}

// errIndex adds the index name to a reader error.
func errIndex(repo string, err error) error {
	return fmt.Errorf("%s: Packages: %w", repo, err)
}

// quote shortens s for a message and quotes it.
func quote(s string) string {
	const max = 60
	if len(s) > max {
		s = s[:max] + "..."
	}
	return fmt.Sprintf("%q", s)
}

// errNameEmpty reports a missing package or architecture name.
func errNameEmpty(what string) error {
	return fmt.Errorf("missing %s name", what)
}

// errNameStart reports a name that does not start with a letter or digit.
func errNameStart(what, name string) error {
	return fmt.Errorf("%s name %q must start with a letter or digit", what, name)
}

// errNameChar reports a character a name may not contain.
func errNameChar(what, name string, c byte) error {
	return fmt.Errorf("%s name %q contains %q", what, name, c)
}
