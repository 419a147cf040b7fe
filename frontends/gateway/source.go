package gateway

import (
	"errors"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"github.com/cairn-build/cairn/lang"
	"github.com/moby/buildkit/solver/errdefs"
	"github.com/moby/buildkit/solver/pb"
)

// buildctl prints the recipe lines of an error that carries its source
// (errdefs.Source), the way it shows a failing Dockerfile instruction.
// Errors from the engine already carry them: every op has its recipe
// position in the graph's source map. Errors the frontend finds itself,
// while evaluating or compiling the recipe, name their position in the
// message ("cairn.star:12:5: ..."); withSource attaches that file and line.

// posPattern finds the first recipe position in a message.
var posPattern = regexp.MustCompile(`([^\s:"'()]+\.star):(\d+):(\d+)`)

// withSource attaches the recipe position err names, read through read
// (project files, or the bundled library for @cairn// names).
func withSource(err error, read func(name string) ([]byte, error)) error {
	if err == nil || len(errdefs.Sources(err)) > 0 {
		return err
	}
	name, line, col, ok := errorPos(err)
	if !ok {
		return err
	}
	data, rerr := read(name)
	if rerr != nil {
		return err
	}
	pos := &pb.Position{Line: int32(line), Character: int32(col)}
	return errdefs.WithSource(err, &errdefs.Source{
		Info:   &pb.SourceInfo{Filename: name, Data: data, Language: "Starlark"},
		Ranges: []*pb.Range{{Start: pos, End: pos}},
	})
}

// errorPos is the position of an evaluation error, or the first one its
// message names.
func errorPos(err error) (name string, line, col int, ok bool) {
	var list lang.ErrorList
	if errors.As(err, &list) && len(list) > 0 && list[0].Pos.IsValid() {
		p := list[0].Pos
		return p.Filename(), int(p.Line), int(p.Col), true
	}
	m := posPattern.FindStringSubmatch(err.Error())
	if m == nil {
		return "", 0, 0, false
	}
	line, _ = strconv.Atoi(m[2])
	col, _ = strconv.Atoi(m[3])
	return m[1], line, col, true
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
