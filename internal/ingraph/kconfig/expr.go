package kconfig

import (
	"fmt"
	"strconv"
	"strings"
)

// Kconfig expressions are tristate: n=0, m=1, y=2. `&&` is the minimum,
// `||` the maximum, `!` is 2-x; comparisons give y or n. A symbol that is
// not bool or tristate (a string, a number) counts as n on its own, as in
// Kconfig.

func tokenize(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case strings.HasPrefix(s[i:], "&&") || strings.HasPrefix(s[i:], "||") || strings.HasPrefix(s[i:], "!=") ||
			strings.HasPrefix(s[i:], "<=") || strings.HasPrefix(s[i:], ">="):
			out = append(out, s[i:i+2])
			i += 2
		case strings.ContainsRune("!()=<>", rune(c)):
			out = append(out, s[i:i+1])
			i++
		case c == '"' || c == '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unterminated string in %q", s)
			}
			out = append(out, s[i:i+j+2])
			i += j + 2
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t!()=<>&|\"'", rune(s[j])) {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("unexpected %q in %q", c, s)
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out, nil
}

// eval computes expr's tristate value under final.
func eval(expr string, final map[string]string) (int, error) {
	toks, err := tokenize(expr)
	if err != nil {
		return 0, err
	}
	p := &parser{toks: toks, final: final}
	v, err := p.or()
	if err == nil && p.i != len(p.toks) {
		err = fmt.Errorf("unexpected %q in %q", p.toks[p.i], expr)
	}
	return v, err
}

type parser struct {
	toks  []string
	i     int
	final map[string]string
}

func (p *parser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *parser) or() (int, error) {
	v, err := p.and()
	for err == nil && p.peek() == "||" {
		p.i++
		var w int
		w, err = p.and()
		v = max(v, w)
	}
	return v, err
}

func (p *parser) and() (int, error) {
	v, err := p.not()
	for err == nil && p.peek() == "&&" {
		p.i++
		var w int
		w, err = p.not()
		v = min(v, w)
	}
	return v, err
}

func (p *parser) not() (int, error) {
	if p.peek() == "!" {
		p.i++
		v, err := p.not()
		return 2 - v, err
	}
	return p.cmp()
}

func (p *parser) cmp() (int, error) {
	if p.peek() == "(" {
		p.i++
		v, err := p.or()
		if err != nil {
			return 0, err
		}
		if p.peek() != ")" {
			return 0, fmt.Errorf("missing )")
		}
		p.i++
		return v, nil
	}
	a := p.peek()
	if a == "" {
		return 0, fmt.Errorf("expression ends early")
	}
	p.i++
	switch op := p.peek(); op {
	case "=", "!=", "<", ">", "<=", ">=":
		p.i++
		b := p.peek()
		if b == "" {
			return 0, fmt.Errorf("nothing after %s", op)
		}
		p.i++
		return compare(p.value(a), op, p.value(b)), nil
	}
	return tristate(p.value(a)), nil
}

// value is a token's value: a constant, a quoted string, or a symbol's
// final value ("n" when unset).
func (p *parser) value(t string) string {
	switch {
	case t == "y" || t == "m" || t == "n":
		return t
	case strings.HasPrefix(t, `"`) || strings.HasPrefix(t, "'"):
		return t[1 : len(t)-1]
	case !isSymbol(t):
		return t
	}
	v, ok := p.final[t]
	if !ok {
		return "n"
	}
	return strings.Trim(v, `"`)
}

func tristate(v string) int {
	switch v {
	case "y":
		return 2
	case "m":
		return 1
	}
	return 0
}

func compare(a, op, b string) int {
	c := strings.Compare(a, b)
	if x, err := strconv.ParseInt(a, 0, 64); err == nil {
		if y, err := strconv.ParseInt(b, 0, 64); err == nil {
			c = int(max(min(x-y, 1), -1))
		}
	}
	ok := false
	switch op {
	case "=":
		ok = a == b
	case "!=":
		ok = a != b
	case "<":
		ok = c < 0
	case ">":
		ok = c > 0
	case "<=":
		ok = c <= 0
	case ">=":
		ok = c >= 0
	}
	if ok {
		return 2
	}
	return 0
}
