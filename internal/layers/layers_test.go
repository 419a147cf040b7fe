package layers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// modulePath is cairn's module; "own" packages are the ones under it.
const modulePath = "github.com/cairn-build/cairn"

// gatewayPath is BuildKit's frontend gateway: talking to it is the job of
// frontends and the commands, never of the compiler below them.
const gatewayPath = "github.com/moby/buildkit/frontend/gateway"

// TestLayers checks the import graph of cairn's (non-test) packages against
// the layer rules, and that recipes/ and examples/ hold recipes, not Go.
func TestLayers(t *testing.T) {
	g := loadGraph(t)
	for _, r := range rules() {
		for _, v := range g.violations(r) {
			t.Error(v)
		}
	}
	for _, v := range g.missingRequired() {
		t.Error(v)
	}
	for _, v := range starOnly(g.root) {
		t.Error(v)
	}
}

// pkg is the part of `go list -json` output the rules read.
type pkg struct {
	ImportPath string
	Standard   bool
	Imports    []string
	Deps       []string
}

// graph is every package cairn's packages need, by import path.
type graph struct {
	root string // module directory
	pkgs map[string]*pkg
	own  []string // cairn's packages, sorted
}

func loadGraph(t *testing.T) *graph {
	t.Helper()
	root := moduleRoot(t)
	cmd := exec.Command("go", "list", "-e", "-deps", "-json", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	g, err := decodeGraph(root, out)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.own) == 0 {
		t.Fatalf("go list found no packages under %s in %s", modulePath, root)
	}
	return g
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		t.Fatalf("go env GOMOD: %q, %v", gomod, err)
	}
	return filepath.Dir(gomod)
}

func decodeGraph(root string, out []byte) (*graph, error) {
	g := &graph{root: root, pkgs: map[string]*pkg{}}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		p := &pkg{}
		err := dec.Decode(p)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		g.pkgs[p.ImportPath] = p
		if isOwn(p.ImportPath) {
			g.own = append(g.own, p.ImportPath)
		}
	}
	slices.Sort(g.own)
	return g, nil
}

// match selects packages by import path.
type match func(g *graph, path string) bool

// rule forbids some imports to some of cairn's packages.
type rule struct {
	from match // the cairn packages the rule constrains
	bad  match // what they must not import
	// transitive extends the rule from direct imports to all dependencies.
	transitive bool
	why        string
}

// helperDeps is what the in-graph helper may link: its own wing
// (internal/ingraph), the one epoch type, the decompressors that package
// formats need, and OpenPGP (with its curves) to sign apt repositories
// with a key that exists only inside the step.
var helperDeps = anyOf(standard, own("internal/ingraph"), own("internal/epoch"), own("internal/suggest"), under("github.com/ulikunitz/xz"),
	under("github.com/therootcompany/xz"), under("github.com/klauspost/compress"), under("golang.org/x/sys/unix"),
	under("github.com/ProtonMail/go-crypto"), under("github.com/cloudflare/circl"), under("golang.org/x/crypto"), under("golang.org/x/sys/cpu"))

func rules() []rule {
	notCLI := anyOf(own("frontends"), own("cmd"), own("internal/host/cli"))
	return []rule{
		{own("lang"), anyOf(and(own(""), not(own("internal/suggest"))), under("github.com/moby/buildkit")), true,
			"lang imports nothing from cairn but internal/suggest, and nothing from BuildKit"},
		{own("stdlib"), notCLI, true,
			"stdlib sits below frontends, cmd and internal/host/cli"},
		{own("stdlib"), under("github.com/moby/buildkit/frontend"), true,
			"stdlib compiles LLB and never talks to a BuildKit frontend or gateway"},
		{not(notCLI), under(gatewayPath), false,
			"only frontends (and below it frontends/gateway), cmd/... and internal/host/cli may import the BuildKit gateway"},
		{own("frontends"), anyOf(own("cmd"), own("internal/host/cli")), true,
			"frontends sits below cmd and internal/host/cli"},
		{not(anyOf(own("frontends/gateway"), own("cmd/cairn-frontend"))), own("frontends/gateway"), true,
			"frontends/gateway is the gateway frontend, served by cmd/cairn-frontend alone: frontends, the CLI and stdlib share only frontends"},
		{own("cmd/cairn-helper"), not(helperDeps), true,
			"cmd/cairn-helper is a small static binary: the standard library, internal/ingraph, internal/epoch, decompressors and x/sys only"},
		{own("internal/ingraph"), not(helperDeps), true,
			"internal/ingraph runs inside the build: it imports nothing host-side (no internal/host, internal/pkgs, stdlib, lang or BuildKit)"},
		{own("internal/pkgs"), anyOf(own("internal/host"), own("stdlib"), own("lang"), own("frontends"), under("github.com/moby/buildkit")), true,
			"internal/pkgs reads package archives: it knows nothing of recipes, LLB or the CLI"},
		{own("internal/attest"), anyOf(own("internal/host"), own("stdlib"), own("lang"), own("frontends"), own("internal/ingraph"), under("github.com/moby/buildkit")), true,
			"internal/attest writes SBOMs and provenance from what it is given: it knows nothing of recipes, LLB, the CLI or the engine"},
	}
}

// required are imports that must exist: the layers are not only ordered but
// stacked.
var required = [][3]string{
	{"stdlib", "lang", "stdlib evaluates recipes through lang"},
}

func isOwn(path string) bool { return path == modulePath || strings.HasPrefix(path, modulePath+"/") }

// own matches the cairn package rel and those below it; "" matches all.
func own(rel string) match {
	if rel == "" {
		return func(_ *graph, p string) bool { return isOwn(p) }
	}
	return under(modulePath + "/" + rel)
}

// under matches prefix and the packages below it.
func under(prefix string) match {
	return func(_ *graph, p string) bool { return p == prefix || strings.HasPrefix(p, prefix+"/") }
}

func standard(g *graph, p string) bool { return g.pkgs[p] != nil && g.pkgs[p].Standard }

func anyOf(ms ...match) match {
	return func(g *graph, p string) bool {
		return slices.ContainsFunc(ms, func(m match) bool { return m(g, p) })
	}
}

func and(a, b match) match { return func(g *graph, p string) bool { return a(g, p) && b(g, p) } }

func not(m match) match { return func(g *graph, p string) bool { return !m(g, p) } }

// violations lists "X imports Y: why" for every import r forbids.
func (g *graph) violations(r rule) []string {
	var out []string
	for _, from := range g.own {
		if !r.from(g, from) {
			continue
		}
		deps := g.pkgs[from].Imports
		if r.transitive {
			deps = g.pkgs[from].Deps
		}
		for _, d := range deps {
			if r.bad(g, d) {
				out = append(out, g.describe(from, d)+": "+r.why)
			}
		}
	}
	return out
}

// describe says how from reaches dep: "X imports Y", plus the path when the
// import is indirect.
func (g *graph) describe(from, dep string) string {
	s := from + " imports " + dep
	if chain := g.chain(from, dep); len(chain) > 2 {
		s += " (via " + strings.Join(chain[1:len(chain)-1], " -> ") + ")"
	}
	return s
}

// chain is a shortest import path from one package to another.
func (g *graph) chain(from, to string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p == to {
			return walkBack(prev, to)
		}
		if g.pkgs[p] == nil {
			continue
		}
		for _, imp := range g.pkgs[p].Imports {
			if _, seen := prev[imp]; !seen {
				prev[imp] = p
				queue = append(queue, imp)
			}
		}
	}
	return nil
}

func walkBack(prev map[string]string, to string) []string {
	var out []string
	for p := to; p != ""; p = prev[p] {
		out = append(out, p)
	}
	slices.Reverse(out)
	return out
}

func (g *graph) missingRequired() []string {
	var out []string
	for _, r := range required {
		from, to := modulePath+"/"+r[0], modulePath+"/"+r[1]
		if p := g.pkgs[from]; p != nil && !slices.Contains(p.Imports, to) {
			out = append(out, from+" does not import "+to+": "+r[2])
		}
	}
	return out
}

// starOnly checks that recipes/ holds Starlark and its one embed.go, and
// that examples/ holds no Go: both are recipe projects, not code of cairn.
// (Example projects may hold data files that their recipes use.)
func starOnly(root string) []string {
	var out []string
	walkFiles(root, "recipes", func(rel string) {
		if path.Ext(rel) != ".star" && rel != "recipes/embed.go" {
			out = append(out, rel+": recipes holds only .star files and recipes/embed.go")
		}
	})
	walkFiles(root, "examples", func(rel string) {
		if path.Ext(rel) == ".go" || path.Base(rel) == "go.mod" {
			out = append(out, rel+": examples holds recipe projects (.star files and their data), no Go")
		}
	})
	return out
}

// walkFiles calls f with the slash-separated, root-relative path of every
// non-directory under root/dir.
func walkFiles(root, dir string, f func(rel string)) {
	fsys := os.DirFS(root)
	fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			f(p)
		}
		return nil
	})
}

// TestRulesCatch feeds the rules a graph that breaks each of them, so a
// rule that silently matches nothing is noticed.
func TestRulesCatch(t *testing.T) {
	m := modulePath + "/"
	g := &graph{pkgs: map[string]*pkg{}}
	add := func(p string, std bool, imports ...string) {
		g.pkgs[p] = &pkg{ImportPath: p, Standard: std, Imports: imports}
		if isOwn(p) {
			g.own = append(g.own, p)
		}
	}
	add(m+"lang", false, m+"internal/epoch")
	add(m+"internal/epoch", false, "github.com/moby/buildkit/client/llb")
	add("github.com/moby/buildkit/client/llb", false)
	add(m+"stdlib", false, m+"frontends")
	add(m+"frontends", false, gatewayPath+"/client", m+"internal/host/cli")
	add(gatewayPath+"/client", false)
	add(m+"internal/host/engine", false, gatewayPath+"/client")
	add(m+"cmd/cairn-helper", false, "fmt", "github.com/moby/buildkit/client/llb")
	add(m+"internal/host/cli", false, m+"frontends/gateway")
	add(m+"frontends/gateway", false, m+"frontends")
	add("fmt", true)
	fillDeps(g)
	var got []string
	for _, r := range rules() {
		got = append(got, g.violations(r)...)
	}
	got = append(got, g.missingRequired()...)
	for _, want := range []string{
		m + "lang imports " + m + "internal/epoch: lang imports nothing",
		m + "lang imports github.com/moby/buildkit/client/llb (via " + m + "internal/epoch): lang imports nothing",
		m + "stdlib imports " + m + "frontends: stdlib sits below",
		m + "stdlib imports " + gatewayPath + "/client (via " + m + "frontends): stdlib compiles LLB",
		m + "internal/host/engine imports " + gatewayPath + "/client: only frontends",
		m + "frontends imports " + m + "internal/host/cli: frontends sits below",
		m + "internal/host/cli imports " + m + "frontends/gateway: frontends/gateway is the gateway frontend",
		m + "stdlib imports " + m + "frontends/gateway (via " + m + "frontends -> " + m + "internal/host/cli): frontends/gateway is the gateway frontend",
		m + "cmd/cairn-helper imports github.com/moby/buildkit/client/llb: cmd/cairn-helper is a small static binary",
		m + "stdlib does not import " + m + "lang",
	} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("no violation starting %q; got:\n%s", want, strings.Join(got, "\n"))
		}
	}
}

// fillDeps computes Deps from Imports, as go list does.
func fillDeps(g *graph) {
	for _, p := range g.pkgs {
		seen := map[string]bool{}
		var visit func(string)
		visit = func(q string) {
			for _, imp := range g.pkgs[q].Imports {
				if !seen[imp] {
					seen[imp] = true
					visit(imp)
				}
			}
		}
		visit(p.ImportPath)
		for d := range seen {
			p.Deps = append(p.Deps, d)
		}
		slices.Sort(p.Deps)
	}
}

func TestStarOnlyCatches(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"recipes/embed.go", "recipes/text.star", "recipes/util.go", "examples/hello/cairn.star", "examples/hello/rootfs/etc/hostname", "examples/hello/main.go"} {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := starOnly(root)
	want := []string{
		"recipes/util.go: recipes holds only .star files and recipes/embed.go",
		"examples/hello/main.go: examples holds recipe projects (.star files and their data), no Go",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestArchitectureDoc holds docs/architecture.md to the tree: every folder
// it names exists, and it says where each of the four common changes goes.
func TestArchitectureDoc(t *testing.T) {
	root := moduleRoot(t)
	doc, err := os.ReadFile(filepath.Join(root, "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile("`((?:cmd|lang|stdlib|frontends|internal|recipes|examples)(?:/[a-z0-9_-]+)*/?)`").FindAllStringSubmatch(string(doc), -1) {
		p := strings.TrimSuffix(m[1], "/")
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(p))); err != nil {
			t.Errorf("docs/architecture.md names %s, which does not exist", m[1])
		}
	}
	for _, change := range []string{"a new builtin", "a new filesystem or image writer", "a new package format", "a new board"} {
		if !regexp.MustCompile(`(?m)^\| ` + regexp.QuoteMeta(change) + `[^|]*\| ` + "`").Match(doc) {
			t.Errorf("docs/architecture.md does not name the folder for %q", change)
		}
	}
}
