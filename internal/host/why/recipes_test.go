package why_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cairn-build/cairn/internal/host/why"
	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/recipes"
	"github.com/cairn-build/cairn/stdlib"
	"github.com/moby/buildkit/client/llb"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// versions is a package source that answers with the packages asked
// for, at the versions it holds (1.0 unless named).
type versions map[string]string

func (v versions) Resolve(_ context.Context, req pkgs.Request) (*pkgs.Set, error) {
	set := &pkgs.Set{}
	for _, n := range append([]string{"base-files"}, req.Packages...) {
		ver := v[n]
		if ver == "" {
			ver = "1.0"
		}
		file := "pool/main/" + n[:1] + "/" + n + "/" + n + "_" + ver + "_" + req.Arch + ".deb"
		set.Packages = append(set.Packages, pkgs.Locked{Repo: req.Repos[0].Name, Suite: req.Repos[0].Suite, Arch: req.Arch,
			Name: n, Version: ver, Filename: file, Size: 1000, SHA256: digest.FromString(file).Encoded(), URL: "http://mirror.test/debian/" + file})
	}
	return set, nil
}

const recipe = `load("lib/greet.star", "greet")

repo_ = repo.deb(suite = "bookworm")
base = rootfs(repos = [repo_], packages = ["bash", "hello"])
target("image", greet(base))
`

func compile(t *testing.T, lib string, pkgs versions, helper string) *why.Record {
	t.Helper()
	proj := fstest.MapFS{"cairn.star": {Data: []byte(recipe)}, "lib/greet.star": {Data: []byte(lib)}}
	r, err := stdlib.Evaluate(stdlib.Options{Project: proj, Library: recipes.FS})
	if err != nil {
		t.Fatal(err)
	}
	amd64 := ocispecs.Platform{OS: "linux", Architecture: "amd64"}
	c := r.NewCompiler(stdlib.CompileOptions{Platform: amd64, Epoch: 315532800, Packages: pkgs,
		Helper: stdlib.Helper{Platform: amd64, Binary: []byte(helper), Local: "cairn-helper"}})
	def, err := c.Marshal(context.Background(), r.Target("image").Artifact)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := why.FromDefs(context.Background(), "image", []*llb.Definition{def}, why.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

const lib = `def greet(root):
    return run("hello > /out/greeting", rootfs = root)
`

// TestExplainRecipes: real recipes through the compiler; each change is
// found at the line that made it: a package pin (with its lock line), a
// loaded .star file, and the helper.
func TestExplainRecipes(t *testing.T) {
	first := compile(t, lib, versions{"hello": "2.10-2"}, "helper 1")
	lock := why.LockText("cairn.lock", "a\nb\nfilename = \"pool/main/h/hello/hello_2.10-3_amd64.deb\"\n")
	for _, tc := range []struct {
		name string
		cur  *why.Record
		at   string
		what string
	}{
		{"package pin", compile(t, lib, versions{"hello": "2.10-3"}, "helper 1"), "cairn.star:4", "package hello changed 2.10-2 -> 2.10-3 (cairn.lock:3)"},
		{"loaded file", compile(t, strings.Replace(lib, "/out/greeting", "/out/hi", 1), versions{"hello": "2.10-2"}, "helper 1"), "lib/greet.star:2", "/out/greeting"},
		{"helper", compile(t, lib, versions{"hello": "2.10-2"}, "helper 2"), "", "the cairn helper changed"},
	} {
		r := why.Explain(first, tc.cur, lock)
		if len(r.Causes) == 0 {
			t.Errorf("%s: no cause", tc.name)
			continue
		}
		c := r.Causes[0]
		if c.At != tc.at && tc.at != "" || !strings.Contains(strings.Join(c.What, "\n"), tc.what) || c.Below == 0 && tc.name != "loaded file" {
			t.Errorf("%s: first cause %+v, want at %s: %s", tc.name, c, tc.at, tc.what)
		}
		fmt.Fprintln(testWriter{t}, tc.name+": "+r.First())
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
