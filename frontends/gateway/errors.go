package gateway

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// The frontend's own errors, one constructor per kind. Each says what the
// frontend expected, what it found and which opt or local fixes it, in
// buildctl's terms (docs/ci.md maps them to docker buildx). The package
// source's errors name neither the recipe position nor the builtin: the
// compiler puts "cairn.star:7:5: rootfs: " in front (stdlib.Error), and
// withSource reads the position from there.

// errBuildArg reports a build argument a recipe cannot see.
func errBuildArg(name string) error {
	return fmt.Errorf("build-arg:%s: cairn recipes take no build arguments (they cannot read the host); honoured: SOURCE_DATE_EPOCH, CAIRN_MIRRORS", name)
}

// errRecipeMissing reports a recipe absent from the dockerfile local.
func errRecipeMissing(filename string) error {
	return fmt.Errorf("%s: recipe not found in the dockerfile local; pass its directory with --local dockerfile=DIR and its name with --opt filename=NAME (default %s)", filename, DefaultFilename)
}

// errNoTargetOpt reports a recipe with several targets and no target opt.
func errNoTargetOpt(file string, names []string) error {
	return fmt.Errorf("%s: which target? the recipe declares %s; pass --opt target=NAME", file, strings.Join(names, ", "))
}

// errNoLock reports a package request in a project without cairn.lock.
var errNoLock = errors.New("no cairn.lock beside the recipe: the frontend builds packages only from the lockfile; run `cairn lock` and commit cairn.lock next to the recipe")

// errNotLocked reports a package request the lockfile does not cover.
func errNotLocked(req pkgs.Request) error {
	return fmt.Errorf("cairn.lock does not cover this request (%s, packages %s): the frontend builds packages only from the lockfile; run `cairn lock` and commit cairn.lock",
		req.Arch, strings.Join(req.Packages, " "))
}

// errNoMirror reports a locked package with no mirror to fetch it from.
func errNoMirror(repo string) error {
	return fmt.Errorf("no mirror for repository %q: the frontend does not read the engine's apt sources; pass --opt mirror:%s=URL (docker buildx: --build-arg CAIRN_MIRRORS=%s=URL)",
		repo, repo, repo)
}
