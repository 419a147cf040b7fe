package gateway

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/cairn-build/cairn/lang"
	"github.com/cairn-build/cairn/stdlib"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/moby/buildkit/solver/pb"
	"go.starlark.net/syntax"
)

// buildctl prints the recipe lines of an error that carries its source
// (errdefs.Source), the way it shows a failing Dockerfile instruction.
// Errors from the engine already carry them: every op has its recipe
// position in the graph's source map. Errors the frontend finds itself
// carry their position as a field, as BuildKit's parser.LocationError
// does: lang.Error while evaluating the recipe, stdlib.Error while
// compiling it. withSource attaches that file and line.

// withSource attaches the recipe position of err, read through read
// (project files, or the bundled library for @cairn// names).
func withSource(err error, read func(name string) ([]byte, error)) error {
	if err == nil || len(errdefs.Sources(err)) > 0 {
		return err
	}
	p, ok := errorPos(err)
	if !ok {
		return err
	}
	data, rerr := read(p.Filename())
	if rerr != nil {
		return err
	}
	pos := &pb.Position{Line: p.Line, Character: p.Col}
	return errdefs.WithSource(err, &errdefs.Source{
		Info:   &pb.SourceInfo{Filename: p.Filename(), Data: data, Language: "Starlark"},
		Ranges: []*pb.Range{{Start: pos, End: pos}},
	})
}

// errorPos is the position of an evaluation error (the first of its list
// that has one) or of a compile error.
func errorPos(err error) (syntax.Position, bool) {
	var list lang.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			if e.Pos.IsValid() {
				return e.Pos, true
			}
		}
	}
	var se *stdlib.Error
	if errors.As(err, &se) && se.Pos.IsValid() {
		return se.Pos, true
	}
	return syntax.Position{}, false
}

// sourceReader reads recipe files by their display name.
func sourceReader(project, library fs.FS) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if rest, ok := strings.CutPrefix(name, "@cairn//"); ok {
			return fs.ReadFile(library, rest)
		}
		return fs.ReadFile(project, strings.TrimPrefix(name, "//"))
	}
}
