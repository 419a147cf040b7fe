package gateway

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cairn-build/cairn/internal/pkgs/lock"
	"github.com/cairn-build/cairn/recipes"
	"github.com/cairn-build/cairn/stdlib"
	"github.com/moby/buildkit/solver/errdefs"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// sourceRecipe calls %s at line 3, column 13.
const sourceRecipe = `debian = repo.deb(name = "debian", suite = "bookworm")

target("t", %s(repos = [debian], packages = ["bash"]))
`

// TestPackageErrorsCarryRecipeLine: the lock-only package source's errors
// name neither position nor builtin; the compiler positions them as a
// field (stdlib.Error), and withSource attaches that line for buildctl
// from the type, not from the message.
func TestPackageErrorsCarryRecipeLine(t *testing.T) {
	for _, tc := range []struct {
		call string
		lock *lock.File
		want string
	}{
		{"rootfs", nil, "cairn.star:3:13: rootfs: no cairn.lock beside the recipe: "},
		{"package_files", nil, "cairn.star:3:13: package_files: no cairn.lock beside the recipe: "},
		{"rootfs", &lock.File{Version: lock.FormatVersion}, "cairn.star:3:13: rootfs: cairn.lock does not cover this request (amd64, packages bash): "},
	} {
		recipe := fmt.Sprintf(sourceRecipe, tc.call)
		proj := fstest.MapFS{"cairn.star": {Data: []byte(recipe)}}
		r, err := stdlib.Evaluate(stdlib.Options{Project: proj, Library: recipes.FS})
		if err != nil {
			t.Fatal(err)
		}
		c := r.NewCompiler(stdlib.CompileOptions{Platform: ocispecs.Platform{OS: "linux", Architecture: "amd64"},
			Packages: newLockedPackages(tc.lock, nil)})
		_, err = c.Marshal(context.Background(), r.Target("t").Artifact)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error starting %q", tc.call, err, tc.want)
			continue
		}
		var se *stdlib.Error
		if !errors.As(err, &se) || se.Pos.Filename() != "cairn.star" || se.Pos.Line != 3 || se.Pos.Col != 13 || se.Call != tc.call {
			t.Errorf("%s: got %#v, want a *stdlib.Error at cairn.star:3:13 of %s", tc.call, err, tc.call)
			continue
		}
		srcs := errdefs.Sources(withSource(err, sourceReader(proj, recipes.FS)))
		if len(srcs) != 1 || srcs[0].Info.Filename != "cairn.star" || string(srcs[0].Info.Data) != recipe ||
			srcs[0].Ranges[0].Start.Line != 3 || srcs[0].Ranges[0].Start.Character != 13 {
			t.Errorf("%s: sources %v, want cairn.star line 3, column 13", tc.call, srcs)
		}
	}
}

// TestWithSourceReadsTypes: an evaluation error's position comes from
// lang's error list; a position that is only text is not parsed back.
func TestWithSourceReadsTypes(t *testing.T) {
	proj := fstest.MapFS{"cairn.star": {Data: []byte("x = 1\ntarget(\"t\", local(\"nope\"))\n")}}
	read := sourceReader(proj, recipes.FS)
	_, err := stdlib.Evaluate(stdlib.Options{Project: proj, Library: recipes.FS})
	srcs := errdefs.Sources(withSource(err, read))
	if err == nil || len(srcs) != 1 || srcs[0].Info.Filename != "cairn.star" || srcs[0].Ranges[0].Start.Line != 2 {
		t.Errorf("evaluation error %v: sources %v, want cairn.star line 2", err, srcs)
	}
	if srcs := errdefs.Sources(withSource(errors.New("cairn.star:2:1: text only"), read)); len(srcs) != 0 {
		t.Errorf("a position in the text alone: sources %v, want none", srcs)
	}
}
