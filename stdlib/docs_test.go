package stdlib_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cairn-build/cairn/stdlib"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// referencePath is the generated recipe reference, checked in so that it
// can be read on the forge; `make docs` (or -update here) regenerates it.
const referencePath = "../docs/reference.md"

// TestReferenceUpToDate fails when the builtin table and docs/reference.md
// have drifted apart.
func TestReferenceUpToDate(t *testing.T) {
	var b bytes.Buffer
	if err := stdlib.WriteReference(&b); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(referencePath, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile(referencePath)
	if err != nil {
		t.Fatalf("%v; run `make docs`", err)
	}
	if !bytes.Equal(have, b.Bytes()) {
		t.Errorf("%s is out of date with the builtin table; run `make docs`\n%s", referencePath, firstDiff(string(have), b.String()))
	}
}

// firstDiff shows the first line where the checked-in reference and the
// generated one differ.
func firstDiff(have, want string) string {
	hl, wl := strings.Split(have, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(hl), len(wl)); i++ {
		h, w := lineAt(hl, i), lineAt(wl, i)
		if h != w {
			return fmt.Sprintf("line %d:\n  checked in: %q\n  generated:  %q", i+1, h, w)
		}
	}
	return ""
}

func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "<end of file>"
}

// TestBuiltinDocsComplete checks that every entry of the table documents
// itself fully, and that its example is valid Starlark.
func TestBuiltinDocsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, bi := range stdlib.Builtins() {
		if seen[bi.Name] {
			t.Errorf("builtin %s is in the table twice", bi.Name)
		}
		seen[bi.Name] = true
		checkBuiltinDoc(t, bi)
	}
	for name := range seen {
		if !predeclared(name) {
			t.Errorf("builtin %s is documented but not predeclared", name)
		}
	}
}

// predeclared reports whether a (possibly dotted) builtin name resolves in
// the universe.
func predeclared(name string) bool {
	mod, member, dotted := strings.Cut(name, ".")
	v, ok := stdlib.Universe()[mod]
	if !ok || !dotted {
		return ok
	}
	m, _ := v.(starlark.HasAttrs)
	if m == nil {
		return false
	}
	x, _ := m.Attr(member)
	return x != nil
}

func checkBuiltinDoc(t *testing.T, bi stdlib.Builtin) {
	t.Helper()
	for field, v := range map[string]string{"Summary": bi.Summary, "Returns": bi.Returns, "Doc": bi.Doc, "Example": bi.Example} {
		if strings.TrimSpace(v) == "" {
			t.Errorf("builtin %s: %s is empty", bi.Name, field)
		}
	}
	for _, p := range bi.Params {
		if p.Name == "" || p.Type == "" || p.Doc == "" {
			t.Errorf("builtin %s: parameter %q lacks a name, Type or Doc: %+v", bi.Name, p.Name, p)
		}
	}
	if _, err := (&syntax.FileOptions{Set: true}).Parse(bi.Name+" example", bi.Example, 0); err != nil {
		t.Errorf("builtin %s: example is not valid Starlark: %v", bi.Name, err)
	}
	if !strings.Contains(bi.Example, bi.Name+"(") {
		t.Errorf("builtin %s: example %q does not call it", bi.Name, bi.Example)
	}
}

// TestDocumentedParamsExist cross-checks the table against the code: every
// documented parameter must be a keyword the builtin accepts. Each call
// passes only that keyword with a bogus value; whatever it fails with, it
// must not be "unexpected keyword argument".
func TestDocumentedParamsExist(t *testing.T) {
	proj := fstest.MapFS{"dir/f": {Data: []byte("x")}}
	for _, bi := range stdlib.Builtins() {
		for _, p := range bi.Params {
			err := evalSnippet(proj, fmt.Sprintf("x = %s(%s = None)\n", bi.Name, p.Name))
			if err != nil && strings.Contains(err.Error(), "unexpected keyword argument") {
				t.Errorf("builtin %s documents parameter %s, but rejects it: %v", bi.Name, p.Name, err)
			}
		}
		err := evalSnippet(proj, fmt.Sprintf("x = %s(zzz = 1)\n", bi.Name))
		if err == nil || !strings.Contains(err.Error(), "unexpected keyword argument") {
			t.Errorf("builtin %s accepts the undocumented keyword zzz (err: %v); the check above proves nothing", bi.Name, err)
		}
	}
}

func evalSnippet(proj fstest.MapFS, src string) error {
	files := fstest.MapFS{"cairn.star": {Data: []byte(src)}}
	for k, v := range proj {
		files[k] = v
	}
	_, err := stdlib.Evaluate(stdlib.Options{Project: files})
	return err
}

// stubsPath is the generated Python stub of the builtins for editors.
const stubsPath = "../docs/editors/cairn_builtins.py"

// TestStubsUpToDate fails when the builtin table and the editors' stub
// file have drifted apart, and checks that Python parses the stubs (what
// a language server does with them).
func TestStubsUpToDate(t *testing.T) {
	var b bytes.Buffer
	if err := stdlib.WriteStubs(&b); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(stubsPath, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := os.ReadFile(stubsPath)
	if err != nil {
		t.Fatalf("%v; run `make docs`", err)
	}
	if !bytes.Equal(have, b.Bytes()) {
		t.Errorf("%s is out of date with the builtin table; run `make docs`\n%s", stubsPath, firstDiff(string(have), b.String()))
	}
	for _, bi := range stdlib.Builtins() {
		name := bi.Name
		if _, member, ok := strings.Cut(name, "."); ok {
			name = member
		}
		if !bytes.Contains(have, []byte("def "+name+"(")) {
			t.Errorf("the stubs lack %s", bi.Name)
		}
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 to parse the stubs")
	}
	if out, err := exec.Command(py, "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", stubsPath).CombinedOutput(); err != nil {
		t.Errorf("python3 does not parse %s: %v\n%s", stubsPath, err, out)
	}
}
