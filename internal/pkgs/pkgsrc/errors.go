package pkgsrc

import (
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// Error constructors, one per kind. An error about one request names
// neither its recipe position nor its builtin: the compiler, which knows
// the call, puts "cairn.star:3:9: package_files: " in front (stdlib.Error).
// Only an error about two requests names their positions (req.Pos).

// errNotLocked reports a request --locked forbids resolving.
func errNotLocked(req pkgs.Request) error {
	return fmt.Errorf("cairn.lock does not cover this request (%s); run `cairn lock` and commit cairn.lock, or build without --locked",
		describe(req))
}

// errNoMirror reports a repository with no URL anywhere.
func errNoMirror(spec pkgs.RepoSpec) error {
	return fmt.Errorf("no mirror for repository %q (suite %s): the host's apt sources do not list it; pass --mirror %s=URL or set CAIRN_MIRRORS",
		spec.Name, spec.Suite, spec.Name)
}

// errSnapshotMirror reports a snapshot pin with a mirror that cannot take it.
func errSnapshotMirror(spec pkgs.RepoSpec, mirror string) error {
	return fmt.Errorf("repository %q pins snapshot %s, but its mirror %s has no {snapshot} placeholder; pass --mirror %s=URL with {snapshot} where the timestamp goes",
		spec.Name, spec.Snapshot, mirror, spec.Name)
}

// errNoKeyring reports a repository with no keys to verify it against.
func errNoKeyring(spec pkgs.RepoSpec) error {
	return fmt.Errorf("repository %q: no keyring: pass keyring = \"path/in/project.asc\" to repo.deb(), or install the host's archive keyring", spec.Name)
}

// errVersionSplit reports two targets that got different versions of a
// package.
func errVersionSplit(id, v1 string, t1 []string, pos1, v2 string, t2 []string, pos2 string) error {
	return fmt.Errorf("%s resolves to %s for target %s (%s) but to %s for target %s (%s); targets sharing a package must agree: give both rootfs() calls the same repos, or pin it with \"%s=VERSION\"",
		id, v1, strings.Join(t1, ", "), pos1, v2, strings.Join(t2, ", "), pos2, strings.SplitN(id, ":", 2)[0])
}
