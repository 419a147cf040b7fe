package stdlib

import (
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Editors with a Starlark language server (tilt-dev's starlark-lsp,
// starpls, Pyright-based ones) take the builtins of a dialect as a Python
// stub file: signatures and docstrings, no bodies. WriteStubs writes
// cairn's from the builtin table, as WriteReference writes the reference
// (docs/editors/cairn_builtins.py; docs/editors.md).

// pyLiteral is a default that is also a Python literal; other defaults
// ("the build's platform") become None, with the doc saying what they are.
var pyLiteral = regexp.MustCompile(`^(None|True|False|-?[0-9]+|0o[0-7]+|"[^"]*"|\[.*\]|\{.*\})$`)

// WriteStubs writes a Python stub of every builtin.
func WriteStubs(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# cairn's recipe builtins as Python stubs, for Starlark language servers.\n")
	b.WriteString("# Generated from the builtin table in stdlib/ by `make docs`; do not edit. See docs/editors.md.\n")
	b.WriteString("# pylint: skip-file\n\n")
	b.WriteString("class Artifact:\n    \"\"\"A filesystem tree the build graph produces: the value of local(), files(), rootfs(), ...\"\"\"\n\n")
	modules := map[string][]Builtin{}
	var order []string
	for _, bi := range Builtins() {
		if mod, _, ok := strings.Cut(bi.Name, "."); ok {
			if modules[mod] == nil {
				order = append(order, mod)
			}
			modules[mod] = append(modules[mod], bi)
			continue
		}
		writeStub(&b, bi, "")
	}
	for _, mod := range order {
		fmt.Fprintf(&b, "class %s:\n    \"\"\"The %s.* builtins.\"\"\"\n\n", mod, mod)
		for _, bi := range modules[mod] {
			b.WriteString("    @staticmethod\n")
			writeStub(&b, bi, "    ")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeStub(b *strings.Builder, bi Builtin, indent string) {
	_, name, ok := strings.Cut(bi.Name, ".")
	if !ok {
		name = bi.Name
	}
	params := make([]string, len(bi.Params))
	defaults := false
	for i, p := range bi.Params {
		params[i] = p.Name
		switch {
		case p.Default == "" && defaults:
			params[i] += " = ..." // required, but after an optional one (Python's rule)
		case p.Default == "":
		case pyLiteral.MatchString(p.Default):
			params[i] += " = " + p.Default
			defaults = true
		default:
			params[i] += " = None"
			defaults = true
		}
	}
	fmt.Fprintf(b, "%sdef %s(%s):\n", indent, name, strings.Join(params, ", "))
	in := indent + "    "
	doc := []string{bi.Summary, "", bi.Doc}
	if len(bi.Params) > 0 {
		doc = append(doc, "", "Args:")
		for _, p := range bi.Params {
			d := p.Type + ": " + p.Doc
			if p.Default != "" && !pyLiteral.MatchString(p.Default) {
				d += " (default: " + p.Default + ")"
			}
			doc = append(doc, "    "+p.Name+": "+d)
		}
	}
	doc = append(doc, "", "Returns:", "    "+bi.Returns, "", "Example:", "")
	for _, l := range strings.Split(bi.Example, "\n") {
		doc = append(doc, "    "+l)
	}
	fmt.Fprintf(b, "%s\"\"\"", in)
	for i, l := range doc {
		l = strings.ReplaceAll(strings.ReplaceAll(l, `\`, `\\`), `"""`, `\"\"\"`)
		if i > 0 && l != "" {
			b.WriteString(in)
		}
		b.WriteString(strings.TrimRight(l, " ") + "\n")
	}
	fmt.Fprintf(b, "%s\"\"\"\n    %s...\n\n", in, indent)
}
