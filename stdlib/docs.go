package stdlib

import (
	"fmt"
	"io"
	"strings"
)

// WriteReference writes the Markdown recipe reference generated from the
// builtin table (docs/reference.md).
func WriteReference(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Recipe reference\n\n")
	b.WriteString("<!-- Generated from the builtin table in stdlib/ by `make docs`; do not edit. -->\n\n")
	b.WriteString("Recipes are Starlark. Besides the Starlark built-ins (`len`, `str`, `dict`, ...) and `load()`, these are predeclared:\n\n")
	for _, bi := range Builtins() {
		fmt.Fprintf(&b, "- [`%s`](#%s): %s\n", bi.Name, strings.ReplaceAll(bi.Name, ".", ""), bi.Summary)
	}
	for _, bi := range Builtins() {
		writeBuiltin(&b, bi)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeBuiltin(b *strings.Builder, bi Builtin) {
	fmt.Fprintf(b, "\n## %s\n\n```python\n%s(%s)\n```\n\n%s\n\n", bi.Name, bi.Name, signature(bi.Params), bi.Summary)
	if len(bi.Params) > 0 {
		b.WriteString("| parameter | type | default | meaning |\n|---|---|---|---|\n")
		for _, p := range bi.Params {
			def := p.Default
			if def == "" {
				def = "required"
			}
			fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", p.Name, p.Type, def, p.Doc)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "Returns: %s.\n\n%s\n\nExample:\n\n```python\n%s\n```\n", bi.Returns, bi.Doc, bi.Example)
}

func signature(ps []Param) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Name
		if p.Default != "" {
			parts[i] += "=…"
		}
	}
	return strings.Join(parts, ", ")
}
