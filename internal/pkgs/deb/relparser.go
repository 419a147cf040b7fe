package deb

import "github.com/cairn-build/cairn/internal/pkgs"

// relParser scans one relation entry left to right.
type relParser struct {
	s string
	i int
}

// name reads the package name and the optional architecture qualifier.
func (p *relParser) name(r *pkgs.Relation) error {
	p.skipBlanks()
	r.Name = p.take(isNameChar)
	if err := checkPackageName(r.Name); err != nil {
		if r.Name == "" && p.i < len(p.s) {
			return p.errorf("expected a package name, found %q", p.s[p.i:])
		}
		return errRelationWrap(p.s, err)
	}
	if p.peek() != ':' {
		return nil
	}
	p.i++
	r.Arch = p.take(isArchChar)
	if err := checkArch(r.Arch); err != nil {
		return errRelationWrap(p.s, err)
	}
	return nil
}

// version reads "(op version)"; p is at the '('.
func (p *relParser) version(r *pkgs.Relation) error {
	p.i++
	p.skipBlanks()
	op, err := p.op()
	if err != nil {
		return err
	}
	p.skipBlanks()
	v := p.take(func(c byte) bool { return !isRelBlank(c) && c != ')' && c != '(' })
	if p.skipBlanks() != ')' {
		if p.i == len(p.s) {
			return p.errorf("unterminated version restriction")
		}
		return p.errorf("unexpected %q in version restriction", p.s[p.i:])
	}
	p.i++
	if err := ValidVersion(v); err != nil {
		return errRelationWrap(p.s, err)
	}
	r.Op, r.Version = op, v
	return nil
}

// op reads a relation operator, mapping dpkg's obsolete spellings.
func (p *relParser) op() (string, error) {
	rest := p.s[p.i:]
	for _, op := range [...]string{"<<", "<=", ">=", ">>", "="} {
		if len(rest) >= len(op) && rest[:len(op)] == op {
			p.i += len(op)
			return op, nil
		}
	}
	switch {
	case len(rest) >= 2 && (rest[:2] == "<>" || rest[:2] == "><"):
		return "", p.errorf("invalid relation operator %q", rest[:2])
	case len(rest) > 0 && rest[0] == '<':
		p.i++
		return "<=", nil
	case len(rest) > 0 && rest[0] == '>':
		p.i++
		return ">=", nil
	}
	return "=", nil // "(1.0)": dpkg's implicit exact match
}

// list reads a non-empty, blank-separated list of optionally negated
// words between open and close; p is at open. Negated words keep their "!".
func (p *relParser) list(open, close byte, ok func(byte) bool, what string) ([]string, error) {
	p.i++
	var words []string
	for p.skipBlanks() != close {
		neg := ""
		if p.peek() == '!' {
			p.i++
			neg = "!"
		}
		w := p.take(ok)
		if w == "" {
			if p.i == len(p.s) {
				return nil, p.errorf("unterminated %s list", what)
			}
			return nil, p.errorf("unexpected %q in %s list", p.s[p.i:], what)
		}
		words = append(words, neg+w)
	}
	p.i++
	if len(words) == 0 {
		return nil, p.errorf("empty %s list", what)
	}
	return words, nil
}

// take consumes the longest run of bytes satisfying ok.
func (p *relParser) take(ok func(byte) bool) string {
	start := p.i
	for p.i < len(p.s) && ok(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// skipBlanks consumes blanks and returns the next byte (0 at the end).
func (p *relParser) skipBlanks() byte {
	for p.i < len(p.s) && isRelBlank(p.s[p.i]) {
		p.i++
	}
	return p.peek()
}

func (p *relParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *relParser) errorf(format string, args ...any) error {
	return errRelation(p.s, format, args...)
}

// checkPackageName applies dpkg's rule: a letter or digit, then letters,
// digits and "+-._" ('_' is deprecated but dpkg still accepts it).
func checkPackageName(name string) error {
	switch {
	case name == "":
		return errNameEmpty("package")
	case !isAlnum(name[0]):
		return errNameStart("package", name)
	}
	for i := 0; i < len(name); i++ {
		if !isNameChar(name[i]) {
			return errNameChar("package", name, name[i])
		}
	}
	return nil
}

// checkArch applies dpkg's rule for architecture names: a letter or digit,
// then letters, digits and '-'.
func checkArch(arch string) error {
	switch {
	case arch == "":
		return errNameEmpty("architecture")
	case !isAlnum(arch[0]):
		return errNameStart("architecture", arch)
	}
	for i := 0; i < len(arch); i++ {
		if !isArchChar(arch[i]) {
			return errNameChar("architecture", arch, arch[i])
		}
	}
	return nil
}

func isNameChar(c byte) bool {
	return isAlnum(c) || c == '+' || c == '-' || c == '.' || c == '_'
}

func isArchChar(c byte) bool { return isAlnum(c) || c == '-' }

func isRelBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// isBlank reports whether s holds only relation blanks.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isRelBlank(s[i]) {
			return false
		}
	}
	return true
}
