package stdlib_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/stdlib"
	"github.com/moby/buildkit/solver/pb"
	"golang.org/x/tools/txtar"
)

// PackSparse adds the pack step after a target that makes images, keyed
// by its input's step rather than its content, and nothing after one that
// does not.
func TestPackSparse(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/golden/images.txtar")
	if err != nil {
		t.Fatal(err)
	}
	r := evalArchive(t, ar)
	for _, tg := range r.Targets() {
		c := r.NewCompiler(stdlib.CompileOptions{Platform: amd64, Helper: fakeHelper, Epoch: 315532800, Packages: fakePackages{}, PackSparse: true})
		def, err := c.Marshal(context.Background(), tg.Artifact)
		if err != nil {
			t.Fatalf("marshal %s: %v", tg.Name, err)
		}
		// The terminal op points at the graph's output; the one before it
		// in the definition is the output's op.
		var op pb.Op
		if err := op.UnmarshalVT(def.Def[len(def.Def)-2]); err != nil {
			t.Fatal(err)
		}
		last := op.GetExec()
		packs := last != nil && strings.Contains(strings.Join(last.Meta.Args, " "), "/cairn-helper pack ")
		// The ISO's EFI image is a file system image too: its output
		// may hold one, so it gets the step (which packs nothing there).
		if want := tg.Name != "initrd"; packs != want {
			t.Errorf("target %s: pack step %v, want %v", tg.Name, packs, want)
		}
		if packs {
			m := last.Mounts[len(last.Mounts)-1]
			if m.Dest != "/out" || m.Readonly || m.ContentCache != pb.MountContentCache_OFF {
				t.Errorf("target %s: the pack step's /out mount is %+v; want it writable, not keyed by content", tg.Name, m)
			}
		}
	}
}
