package stdlib_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cairn-build/cairn/internal/host/llbdump"
	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/recipes"
	"github.com/cairn-build/cairn/stdlib"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Golden LLB tests: each testdata/golden/*.txtar holds a project (cairn.star
// and its files) and, under graph/, the expected JSON dump of each target
// for linux/amd64 with a fixed fake helper. `go test ./stdlib -update`
// rewrites the graph/ files.

var (
	amd64      = ocispecs.Platform{OS: "linux", Architecture: "amd64"}
	fakeHelper = stdlib.Helper{Platform: amd64, Binary: []byte("#!fake cairn-helper\n")}
)

func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txtar"), func(t *testing.T) { golden(t, f) })
	}
}

func golden(t *testing.T, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	r := evalArchive(t, ar)
	want := map[string][]byte{}
	for _, f := range ar.Files {
		if name, ok := strings.CutPrefix(f.Name, "graph/"); ok {
			want[strings.TrimSuffix(name, ".json")] = f.Data
		}
	}
	var out []txtar.File
	for _, tg := range r.Targets() {
		got := dump(t, r, tg)
		if !*update && !bytes.Equal(got, want[tg.Name]) {
			t.Errorf("target %s: LLB differs from %s (run with -update to accept):\n%s", tg.Name, file, got)
		}
		out = append(out, txtar.File{Name: "graph/" + tg.Name + ".json", Data: got})
	}
	if *update {
		rewrite(t, file, ar, out)
	}
}

func evalArchive(t *testing.T, ar *txtar.Archive) *stdlib.Recipe {
	t.Helper()
	proj := fstest.MapFS{}
	for _, f := range ar.Files {
		if !strings.HasPrefix(f.Name, "graph/") {
			proj[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
		}
	}
	r, err := stdlib.Evaluate(stdlib.Options{Project: proj, Library: recipes.FS})
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	return r
}

func dump(t *testing.T, r *stdlib.Recipe, tg *stdlib.Target) []byte {
	t.Helper()
	c := r.NewCompiler(stdlib.CompileOptions{Platform: amd64, Helper: fakeHelper, Epoch: 315532800, Packages: fakePackages{}})
	def, err := c.Marshal(context.Background(), tg.Artifact)
	if err != nil {
		t.Fatalf("marshal %s: %v", tg.Name, err)
	}
	var b bytes.Buffer
	if err := llbdump.JSON(&b, def); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fakePackages answers every request with two base packages of the
// requested architecture, plus, as a second stage, the requested packages
// that are not among them, so golden tests need no repository.
type fakePackages struct{}

func (fakePackages) Resolve(_ context.Context, req pkgs.Request) (*pkgs.Set, error) {
	set := &pkgs.Set{}
	names := []string{"base-files", "bash"}
	for _, n := range req.Packages {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) > 2 && req.Variant != "files" {
		set.Base = 2
	}
	for _, n := range names {
		file := "pool/main/" + n[:1] + "/" + n + "/" + n + "_1.0_" + req.Arch + ".deb"
		sum := fmt.Sprintf("%064x", len(n)+len(req.Arch))
		set.Packages = append(set.Packages, pkgs.Locked{Repo: req.Repos[0].Name, Suite: req.Repos[0].Suite, Arch: req.Arch,
			Name: n, Version: "1.0", Filename: file, Size: 1000, SHA256: sum, URL: "http://mirror.example/debian/" + file})
	}
	return set, nil
}

func rewrite(t *testing.T, file string, ar *txtar.Archive, graphs []txtar.File) {
	var keep []txtar.File
	for _, f := range ar.Files {
		if !strings.HasPrefix(f.Name, "graph/") {
			keep = append(keep, f)
		}
	}
	ar.Files = append(keep, graphs...)
	if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}
