package stdlib_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/cairn-build/cairn/internal/host/llbdump"
	"github.com/cairn-build/cairn/recipes"
	"github.com/cairn-build/cairn/stdlib"
	"github.com/moby/buildkit/client/llb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"google.golang.org/protobuf/proto"
)

// determinismRuns is how many times each way of marshalling is repeated.
const determinismRuns = 100

// determinismProject uses every builtin, shared nodes, several targets and
// the bundled library, so that map iteration, memoization or random IDs
// anywhere on the way to LLB would show up as differing bytes.
var determinismProject = fstest.MapFS{
	"cairn.star": {Data: []byte(`load("@cairn//text.star", "text_file")
base = merge([local("rootfs", exclude = ["**/*.tmp"]), text_file("etc/motd", "hi\n")])
tool = local("bin/tool")
kernel = http("https://example.invalid/vmlinuz", sha256 = "sha256:" + "ab" * 32)
built = run(["/bin/tool", "--out", "/out"], rootfs = base,
    mounts = {"/src": local("src"), "/k": kernel, "/a": scratch()},
    env = {"B": "2", "A": "1", "Z": "26"}, workdir = "/src", output = "/out")
arm = run("uname -m > /out/arch", rootfs = base, platform = "linux/arm64", output = "/out", network = True)
tree = files({"z": "last", "a/b/c": b"bytes", "bin/tool": tool, "lib": built, "arch": arm}, mode = 0o600)
target("tree", tree, doc = "everything")
target("tar", archive(tree, name = "tree.tar"))
target("cpio", archive(merge([tree, base]), format = "cpio"))
target("root", run("true", rootfs = base))
`)},
	"rootfs/etc/hostname": {Data: []byte("cairn\n")},
	"bin/tool":            {Data: []byte("#!/bin/sh\n"), Mode: 0o755},
	"src/main.c":          {Data: []byte("int main(){}\n")},
}

// marshalled is one target's definition in the forms compared.
type marshalled struct {
	pb   []byte   // deterministic protobuf of the whole definition
	ops  [][]byte // the op bytes, in definition order
	dump []byte   // llbdump JSON
}

func TestMarshalDeterministicFreshEvaluation(t *testing.T) {
	want := marshalAll(t, evalDeterminism(t), amd64, false)
	for i := 0; i < determinismRuns; i++ {
		got := marshalAll(t, evalDeterminism(t), amd64, false)
		compareAll(t, i, want, got)
	}
}

func TestMarshalDeterministicOneCompiler(t *testing.T) {
	r := evalDeterminism(t)
	c := r.NewCompiler(stdlib.CompileOptions{Platform: amd64, Helper: fakeHelper, Epoch: 315532800})
	want := marshalAll(t, r, amd64, false)
	for i := 0; i < determinismRuns; i++ {
		for _, tg := range r.Targets() {
			compare(t, i, tg.Name, want[tg.Name], marshalWith(t, c, tg))
		}
	}
}

// TestMarshalIndependentOfOrder compiles the targets in reverse order with
// one compiler: what was memoized for an earlier target must not change
// a later one's bytes.
func TestMarshalIndependentOfOrder(t *testing.T) {
	r := evalDeterminism(t)
	for _, p := range []ocispecs.Platform{amd64, {OS: "linux", Architecture: "arm64"}} {
		want := marshalAll(t, r, p, false)
		got := marshalAll(t, r, p, true)
		compareAll(t, 0, want, got)
	}
}

func evalDeterminism(t testing.TB) *stdlib.Recipe {
	t.Helper()
	r, err := stdlib.Evaluate(stdlib.Options{Project: determinismProject, Library: recipes.FS, Display: "proj"})
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	return r
}

// marshalAll marshals every target with one fresh compiler, in name order
// or reversed.
func marshalAll(t *testing.T, r *stdlib.Recipe, p ocispecs.Platform, reverse bool) map[string]marshalled {
	t.Helper()
	c := r.NewCompiler(stdlib.CompileOptions{Platform: p, Helper: fakeHelper, Epoch: 315532800})
	targets := r.Targets()
	if reverse {
		slices.Reverse(targets)
	}
	out := map[string]marshalled{}
	for _, tg := range targets {
		out[tg.Name] = marshalWith(t, c, tg)
	}
	return out
}

func marshalWith(t *testing.T, c *stdlib.Compiler, tg *stdlib.Target) marshalled {
	t.Helper()
	def, err := c.Marshal(context.Background(), tg.Artifact)
	if err != nil {
		t.Fatalf("marshal %s: %v", tg.Name, err)
	}
	return forms(t, def)
}

func forms(t *testing.T, def *llb.Definition) marshalled {
	t.Helper()
	pb, err := proto.MarshalOptions{Deterministic: true}.Marshal(def.ToPB())
	if err != nil {
		t.Fatal(err)
	}
	var dump bytes.Buffer
	if err := llbdump.JSON(&dump, def); err != nil {
		t.Fatal(err)
	}
	return marshalled{pb: pb, ops: def.Def, dump: dump.Bytes()}
}

func compareAll(t *testing.T, run int, want, got map[string]marshalled) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("run %d: %d targets, want %d", run, len(got), len(want))
	}
	for name, w := range want {
		compare(t, run, name, w, got[name])
	}
}

func compare(t *testing.T, run int, name string, want, got marshalled) {
	t.Helper()
	if !slices.EqualFunc(want.ops, got.ops, bytes.Equal) {
		t.Fatalf("run %d, target %s: op bytes differ (%d ops, want %d)", run, name, len(got.ops), len(want.ops))
	}
	if !bytes.Equal(want.dump, got.dump) {
		t.Fatalf("run %d, target %s: JSON dump differs:\n%s\nwant:\n%s", run, name, got.dump, want.dump)
	}
	if !bytes.Equal(want.pb, got.pb) {
		t.Fatalf("run %d, target %s: definition protobuf differs", run, name)
	}
}
