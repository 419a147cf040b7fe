package cli

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cairn-build/cairn/internal/host/llbdump"
	"github.com/cairn-build/cairn/stdlib"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	"go.starlark.net/syntax"
)

// BuildKit asks for a secret only when the step that mounts it runs, and
// then fails with "secret NAME: not found", after every step before it.
// Reading the mounts from the graph instead fails before anything runs,
// at the recipe line (run(), apt_repo(signer = ...)) that wants the secret.

// checkSecrets returns an error naming the first step of def that mounts
// required secrets the command line does not provide (names), and those
// secrets.
func checkSecrets(def *llb.Definition, names []string) error {
	ops, err := llbdump.Ops(def)
	if err != nil {
		return err
	}
	given := make(map[string]bool, len(names))
	for _, n := range names {
		given[n] = true
	}
	for _, o := range ops {
		var missing []string
		for _, m := range o.Op.GetExec().GetMounts() {
			s := m.GetSecretOpt()
			if m.MountType == pb.MountType_SECRET && s != nil && !s.Optional && !given[s.ID] {
				missing = append(missing, fmt.Sprintf("secret(%q) at %s", s.ID, m.Dest), s.ID)
			}
		}
		if len(missing) > 0 {
			return errAtOp(def, o.Digest, errMissingSecrets(missing, given))
		}
	}
	return nil
}

// errMissingSecrets says which secrets a step lacks; missing alternates
// a description and the secret's name.
func errMissingSecrets(missing []string, given map[string]bool) error {
	var what, flags []string
	for i := 0; i < len(missing); i += 2 {
		what = append(what, missing[i])
		flags = append(flags, "--secret id="+missing[i+1]+",src=FILE")
	}
	have := ""
	if len(given) > 0 {
		have = " (it was given " + strings.Join(slices.Sorted(maps.Keys(given)), ", ") + ")"
	}
	return fmt.Errorf("the step of this call mounts secrets the build was not given%s: %s; pass %s (or id=NAME,env=VAR; or declare the secret with required = False)",
		have, strings.Join(what, ", "), strings.Join(flags, " "))
}

// errAtOp positions err at the recipe call of op d, as the compiler
// positions its own errors (stdlib.Error), when the graph's source map
// has one.
func errAtOp(def *llb.Definition, d digest.Digest, err error) error {
	if p, ok := opPosition(def, d); ok {
		return &stdlib.Error{Pos: p, Err: err}
	}
	return err
}

// opPosition is the recipe position of op d from the graph's source map.
func opPosition(def *llb.Definition, d digest.Digest) (syntax.Position, bool) {
	if def.Source == nil || def.Source.Locations[d.String()] == nil {
		return syntax.Position{}, false
	}
	for _, l := range def.Source.Locations[d.String()].Locations {
		if int(l.SourceIndex) >= len(def.Source.Infos) || len(l.Ranges) == 0 || l.Ranges[0].Start == nil {
			continue
		}
		name, r := def.Source.Infos[l.SourceIndex].Filename, l.Ranges[0].Start
		return syntax.MakePosition(&name, r.Line, r.Character), true
	}
	return syntax.Position{}, false
}
