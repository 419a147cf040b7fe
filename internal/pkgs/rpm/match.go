package rpm

import (
	"fmt"
	"strings"
)

// Overlap reports whether a provide and a requirement of the same name
// overlap, as rpm's rpmdsCompare decides: an unversioned side always
// does; else the EVRs are compared (epoch missing = 0, the release only
// when both give one) and the operators' ranges must meet.
func Overlap(provide, require Dep) bool {
	if provide.Name != require.Name {
		return false
	}
	if provide.Op == "" || require.Op == "" {
		return true
	}
	sense := CompareEVR(provide.EVR, require.EVR)
	less := func(op string) bool { return strings.Contains(op, "<") }
	greater := func(op string) bool { return strings.Contains(op, ">") }
	equal := func(op string) bool { return strings.Contains(op, "=") }
	switch {
	case sense < 0:
		return greater(provide.Op) || less(require.Op)
	case sense > 0:
		return less(provide.Op) || greater(require.Op)
	}
	return equal(provide.Op) && equal(require.Op) || less(provide.Op) && less(require.Op) ||
		greater(provide.Op) && greater(require.Op)
}

// ParseDep reads one relation as a spec file writes it: "name",
// "name OP [E:]V[-R]" or a rich dependency "(...)".
func ParseDep(s string) (Dep, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "(") {
		if _, err := parseRich(s); err != nil {
			return Dep{}, err
		}
		return Dep{Name: s}, nil
	}
	f := strings.Fields(s)
	switch {
	case len(f) == 1:
		return Dep{Name: f[0]}, nil
	case len(f) == 3 && validOp(f[1]):
		return Dep{Name: f[0], Op: f[1], EVR: ParseEVR(f[2])}, nil
	}
	return Dep{}, fmt.Errorf("relation %q: want NAME, NAME OP VERSION (OP one of = < <= > >=) or a rich dependency in parentheses", s)
}

func validOp(op string) bool {
	switch op {
	case "=", "<", "<=", ">", ">=":
		return true
	}
	return false
}

// rich is a parsed rich (boolean) dependency: a leaf relation, or an
// operator with its operands ("and", "or", "if", "unless", "with",
// "without"; "if" and "unless" take an optional "else" third).
type rich struct {
	leaf *Dep
	op   string
	args []*rich
}

// parseRich parses "(A op B [op C...])" with nesting, as rpm does: one
// operator per parenthesis level ("and" and "or" may repeat, "if" and
// "unless" may take "else").
func parseRich(s string) (*rich, error) {
	p := &richParser{s: s}
	r, err := p.term()
	if err != nil {
		return nil, fmt.Errorf("rich dependency %q: %w", s, err)
	}
	if p.skip(); p.i != len(p.s) {
		return nil, fmt.Errorf("rich dependency %q: trailing %q", s, p.s[p.i:])
	}
	return r, nil
}

type richParser struct {
	s string
	i int
}

func (p *richParser) skip() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

// term is a parenthesised expression or a leaf relation.
func (p *richParser) term() (*rich, error) {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		return p.group()
	}
	return p.leaf()
}

// leaf reads "name [OP evr]" up to a keyword or a closing parenthesis.
func (p *richParser) leaf() (*rich, error) {
	var words []string
	for {
		p.skip()
		start := p.i
		if p.i < len(p.s) && p.s[p.i] == '(' {
			break // a nested expression, not a relation
		}
		// A name may hold balanced parentheses: "greet(api)".
		for depth := 0; p.i < len(p.s) && p.s[p.i] != ' ' && (p.s[p.i] != ')' || depth > 0); p.i++ {
			switch p.s[p.i] {
			case '(':
				depth++
			case ')':
				depth--
			}
		}
		w := p.s[start:p.i]
		if w == "" || richOps[w] {
			p.i = start
			break
		}
		words = append(words, w)
	}
	d, err := ParseDep(strings.Join(words, " "))
	if err != nil || len(words) == 0 {
		return nil, fmt.Errorf("want a relation at %q", p.s[p.i:])
	}
	return &rich{leaf: &d}, nil
}

var richOps = map[string]bool{"and": true, "or": true, "if": true, "unless": true, "with": true, "without": true, "else": true}

// group reads the inside of a parenthesis, after "(".
func (p *richParser) group() (*rich, error) {
	first, err := p.term()
	if err != nil {
		return nil, err
	}
	r := &rich{args: []*rich{first}}
	for {
		p.skip()
		if p.i < len(p.s) && p.s[p.i] == ')' {
			p.i++
			if r.op == "" {
				return first, nil // "(A)"
			}
			return r, nil
		}
		start := p.i
		for p.i < len(p.s) && p.s[p.i] != ' ' && p.s[p.i] != '(' {
			p.i++
		}
		op := p.s[start:p.i]
		switch {
		case !richOps[op]:
			return nil, fmt.Errorf("want an operator (and, or, if, unless, with, without) at %q", p.s[start:])
		case op == "else" && (r.op == "if" || r.op == "unless") && len(r.args) == 2:
		case r.op == "" && op != "else":
			r.op = op
		case op == r.op && (op == "and" || op == "or" || op == "with"):
		default:
			return nil, fmt.Errorf("%q after %q: one operator per parenthesis level", op, r.op)
		}
		next, err := p.term()
		if err != nil {
			return nil, err
		}
		r.args = append(r.args, next)
	}
}
