package stdlib_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cairn-build/cairn/internal/host/llbdump"
	"github.com/cairn-build/cairn/stdlib"
	"github.com/moby/buildkit/client/llb"
	"golang.org/x/tools/txtar"
)

const contextRecipe = `target("t", merge([context("extra"), local("a")]))
`

func contextTarget(t *testing.T) (*stdlib.Recipe, *stdlib.Target) {
	t.Helper()
	r := evalArchive(t, &txtar.Archive{Files: []txtar.File{
		{Name: "cairn.star", Data: []byte(contextRecipe)},
		{Name: "a/f", Data: []byte("a")},
	}})
	return r, r.Targets()[0]
}

// A build that was not given the context fails at the context() call,
// saying how to give it.
func TestContextMissing(t *testing.T) {
	r, tg := contextTarget(t)
	c := r.NewCompiler(stdlib.CompileOptions{Platform: amd64, Helper: fakeHelper})
	_, err := c.Marshal(context.Background(), tg.Artifact)
	want := `cairn.star:1:20: context: no context "extra" was given; pass --context extra=DIR (cairn build) or --opt context:extra=local:extra with --local extra=DIR (buildctl)`
	if err == nil || err.Error() != want {
		t.Fatalf("got error %v, want %s", err, want)
	}
}

// A given context is used as is; AnyContext stands in the CLI's local.
func TestContextGiven(t *testing.T) {
	r, tg := contextTarget(t)
	for _, tc := range []struct {
		opts stdlib.CompileOptions
		want string
	}{
		{stdlib.CompileOptions{Contexts: map[string]llb.State{"extra": llb.Image("example.invalid/x")}}, `"identifier": "docker-image://example.invalid/x:latest"`},
		{stdlib.CompileOptions{Contexts: map[string]llb.State{"extra": stdlib.ContextLocal("extra")}}, `"identifier": "local://context-extra"`},
		{stdlib.CompileOptions{AnyContext: true}, `"identifier": "local://context-extra"`},
	} {
		tc.opts.Platform, tc.opts.Helper = amd64, fakeHelper
		def, err := r.NewCompiler(tc.opts).Marshal(context.Background(), tg.Artifact)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := llbdump.JSON(&b, def); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), tc.want) || !strings.Contains(b.String(), `"local.unique": "cairn"`) {
			t.Errorf("graph lacks %s (or the fixed local id):\n%s", tc.want, b.String())
		}
	}
}

func TestContextBadName(t *testing.T) {
	_, err := stdlib.Evaluate(stdlib.Options{Project: fstest.MapFS{"cairn.star": {Data: []byte(`target("t", context("Extra/x"))`)}}})
	if err == nil || !strings.Contains(err.Error(), `context: for parameter name: got "Extra/x", want a name like "site"`) {
		t.Fatalf("got %v", err)
	}
}
