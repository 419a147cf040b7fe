package kconfig

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Kconfig is what the Kconfig files say of each symbol: where it is
// defined, what it depends on (its own `depends on`, and those of the
// enclosing `if`, `menu` and `choice` blocks, across `source`), and which
// symbols select it. It is read the way the kernel reads it, from the top
// Kconfig through `source` lines, not parsed in full: prompts, types,
// defaults and ranges are skipped.
type Kconfig struct {
	defs     map[string][]*entry
	selected map[string][]selector // target -> who selects it
}

type entry struct {
	where   string
	depends []string // expressions, all of which must hold
}

type selector struct {
	by   string
	cond string // the select's "if" expression plus the selector's dependencies, "" for none
}

// Read reads the Kconfig tree of a kernel source from fsys, starting at
// "Kconfig"; vars fills $(SRCARCH) and the like in `source` paths.
func Read(fsys fs.FS, vars map[string]string) (*Kconfig, error) {
	kc := &Kconfig{defs: map[string][]*entry{}, selected: map[string][]selector{}}
	r := &reader{fsys: fsys, vars: vars, kc: kc, seen: map[string]bool{}}
	if err := r.file("Kconfig", nil); err != nil {
		return nil, err
	}
	return kc, nil
}

// Defines reports whether some Kconfig file defines sym.
func (kc *Kconfig) Defines(sym string) bool { return len(kc.defs[sym]) > 0 }

type reader struct {
	fsys fs.FS
	vars map[string]string
	kc   *Kconfig
	seen map[string]bool
}

// expandVars replaces $(NAME) with vars[NAME].
func expandVars(s string, vars map[string]string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "$(")
		j := strings.IndexByte(s[max(i, 0):], ')')
		if i < 0 || j < 0 {
			return b.String() + s
		}
		b.WriteString(s[:i])
		b.WriteString(vars[s[i+2:i+j]])
		s = s[i+j+1:]
	}
}

// keywords that end an entry's attributes.
var topLevel = map[string]bool{"config": true, "menuconfig": true, "choice": true, "endchoice": true, "menu": true,
	"endmenu": true, "if": true, "endif": true, "source": true, "osource": true, "rsource": true, "orsource": true,
	"comment": true, "mainmenu": true}

// file reads one Kconfig file under the enclosing blocks' dependencies.
func (r *reader) file(name string, outer []string) error {
	data, err := fs.ReadFile(r.fsys, name)
	if err != nil {
		return err
	}
	lines := logicalLines(data)
	// blocks is a stack of the dependencies each open if/menu/choice adds.
	var blocks [][]string
	deps := func() []string {
		out := append([]string(nil), outer...)
		for _, b := range blocks {
			out = append(out, b...)
		}
		return out
	}
	var cur *entry // the entry or block whose attributes follow
	var curSym string
	var block *[]string // the menu/choice whose `depends on` follow
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		word, rest := firstWord(l.text)
		switch word {
		case "config", "menuconfig":
			cur, curSym, block = &entry{where: fmt.Sprintf("%s:%d", name, l.n), depends: deps()}, rest, nil
			r.kc.defs[rest] = append(r.kc.defs[rest], cur)
		case "menu", "choice":
			blocks = append(blocks, nil)
			block, cur = &blocks[len(blocks)-1], nil
		case "if":
			blocks = append(blocks, []string{spaced(rest)})
			block, cur = nil, nil
		case "endmenu", "endchoice", "endif":
			if len(blocks) > 0 {
				blocks = blocks[:len(blocks)-1]
			}
			block, cur = nil, nil
		case "source", "osource", "rsource", "orsource":
			p := strings.Trim(rest, `"`)
			p = expandVars(p, r.vars)
			if strings.HasPrefix(word, "r") || strings.HasPrefix(word, "or") {
				p = path.Join(path.Dir(name), p)
			}
			matches, _ := fs.Glob(r.fsys, p)
			if len(matches) == 0 && !strings.HasPrefix(word, "o") && !strings.ContainsAny(p, "*?[") {
				matches = []string{p} // let the read say it is missing
			}
			for _, m := range matches {
				if r.seen[m] {
					continue
				}
				r.seen[m] = true
				if err := r.file(m, deps()); err != nil {
					return fmt.Errorf("%s:%d: source %s: %w", name, l.n, m, err)
				}
			}
			cur, block = nil, nil
		case "comment", "mainmenu":
			cur, block = nil, nil
		case "depends":
			expr := spaced(strings.TrimPrefix(rest, "on"))
			switch {
			case cur != nil:
				cur.depends = append(cur.depends, expr)
			case block != nil:
				*block = append(*block, expr)
			}
		case "select":
			if cur != nil {
				target, cond, _ := strings.Cut(spaced(rest), " if ")
				all := append(append([]string(nil), cur.depends...), strings.TrimSpace(cond))
				r.kc.selected[strings.TrimSpace(target)] = append(r.kc.selected[strings.TrimSpace(target)], selector{by: curSym, cond: and(all)})
			}
		case "help", "---help---":
			i = skipHelp(lines, i)
		}
	}
	return nil
}

// spaced collapses the whitespace of an expression (continuation lines
// leave tabs inside).
func spaced(s string) string { return strings.Join(strings.Fields(s), " ") }

// and joins expressions with &&, leaving out empty ones.
func and(exprs []string) string {
	var out []string
	for _, e := range exprs {
		if e != "" {
			out = append(out, "("+e+")")
		}
	}
	return strings.Join(out, " && ")
}

type line struct {
	n    int
	text string
	raw  string
}

// logicalLines joins backslash continuations and strips comments.
func logicalLines(data []byte) []line {
	var out []line
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		raw := sc.Text()
		start := n
		for strings.HasSuffix(raw, "\\") && sc.Scan() {
			n++
			raw = strings.TrimSuffix(raw, "\\") + " " + sc.Text()
		}
		text := strings.TrimSpace(stripComment(raw))
		out = append(out, line{n: start, text: text, raw: raw})
	}
	return out
}

// stripComment drops a # comment outside quotes.
func stripComment(s string) string {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote == 0 && c == '#':
			return s[:i]
		}
	}
	return s
}

func firstWord(s string) (string, string) {
	w, rest, _ := strings.Cut(s, " ")
	if i := strings.IndexByte(w, '\t'); i >= 0 {
		w, rest = w[:i], w[i+1:]+" "+rest
	}
	return w, strings.TrimSpace(rest)
}

// skipHelp returns the index of the last line of the help text that
// starts after lines[i]: the lines indented deeper than the first one.
func skipHelp(lines []line, i int) int {
	indent := -1
	j := i + 1
	for ; j < len(lines); j++ {
		raw := lines[j].raw
		if strings.TrimSpace(raw) == "" {
			continue
		}
		w := indentOf(raw)
		if indent < 0 {
			indent = w
		}
		if w < indent || w == 0 {
			break
		}
		if word, _ := firstWord(strings.TrimSpace(raw)); w == 0 && topLevel[word] {
			break
		}
	}
	return j - 1
}

func indentOf(s string) int {
	w := 0
	for _, c := range s {
		switch c {
		case ' ':
			w++
		case '\t':
			w = (w/8 + 1) * 8
		default:
			return w
		}
	}
	return w
}

// Unmet lists sym's dependencies that keep it below y, each with the
// values of the symbols it names; empty when nothing can be told.
func (kc *Kconfig) Unmet(sym string, final map[string]string) []string {
	var out []string
	for _, e := range kc.defs[sym] {
		for _, d := range e.depends {
			if v, err := eval(d, final); err == nil && v < 2 {
				out = append(out, describe(d, final))
			}
		}
	}
	return dedupe(out)
}

// SelectedBy lists the symbols that are on and select sym (which turns
// sym on whatever a fragment asked), as SYMBOL=VALUE.
func (kc *Kconfig) SelectedBy(sym string, final map[string]string) []string {
	var out []string
	for _, s := range kc.selected[sym] {
		if v := final[s.by]; v == "y" || v == "m" {
			out = append(out, s.by+"="+v)
		}
	}
	return dedupe(out)
}

// describe writes an expression with its symbols' final values.
func describe(expr string, final map[string]string) string {
	var vals []string
	for _, s := range symbols(expr) {
		v, ok := final[s]
		if !ok {
			v = "n"
		}
		vals = append(vals, s+"="+v)
	}
	if len(vals) == 0 {
		return expr
	}
	return expr + " (" + strings.Join(vals, ", ") + ")"
}

func dedupe(l []string) []string {
	seen := map[string]bool{}
	out := l[:0]
	for _, s := range l {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// symbols lists the symbol names an expression mentions, sorted.
func symbols(expr string) []string {
	toks, err := tokenize(expr)
	if err != nil {
		return nil
	}
	set := map[string]bool{}
	for _, t := range toks {
		if isSymbol(t) {
			set[t] = true
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func isSymbol(t string) bool {
	if t == "y" || t == "m" || t == "n" || t == "" {
		return false
	}
	c := t[0]
	return c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}
