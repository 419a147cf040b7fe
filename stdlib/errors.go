package stdlib

import (
	"errors"
	"fmt"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Error is a problem found at a recipe call after evaluation, while a
// target is lowered to LLB: a package set the package source cannot
// answer, a git ref it cannot pin, a context the build was not given (and,
// in the CLI, a step's missing secrets, positioned from the graph's source
// map). Errors raised while evaluating are positioned by lang (lang.Error).
// Like lang.Error and starlark-go's resolve.Error, it carries its position
// as a field: the gateway reads it with errors.As to show the recipe line,
// and the package and git sources return errors without one.
type Error struct {
	// Pos is where the call starts (for a call inside the bundled
	// library, the user's call of the library function).
	Pos syntax.Position
	// Call is the builtin called there ("rootfs", "package_files"), or ""
	// when Err names it already.
	Call string
	// Err is the problem, without position or builtin.
	Err error
}

// Error reads "cairn.star:3:9: rootfs: message".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Pos.IsValid() {
		b.WriteString(e.Pos.String() + ": ")
	}
	if e.Call != "" {
		b.WriteString(e.Call + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the problem.
func (e *Error) Unwrap() error { return e.Err }

// errAt positions err at the call of builtin call ("" when err names it)
// that starts at p.
func errAt(p syntax.Position, call string, err error) error {
	return &Error{Pos: p, Call: call, Err: err}
}

// Error constructors, one per kind, so every message reads the same.

var errOutsideEvaluate = errors.New("cairn builtins run only inside stdlib.Evaluate")

// errParam reports a bad argument: `disk: for parameter size: got "4X", want a size like "512M"`.
func errParam(fn, param, got, want string) error {
	return fmt.Errorf("%s: for parameter %s: %w", fn, param, errGot(got, want))
}

// errGot is the part of errParam an Unpacker returns: starlark.UnpackArgs
// puts "fn: for parameter p: " in front of it.
func errGot(got, want string) error {
	return fmt.Errorf("got %s, want %s", got, want)
}

// errNotFound reports a project path that does not exist, with a suggestion.
func errNotFound(fn, path, hint string) error {
	msg := fmt.Sprintf("%s: %q does not exist in the project", fn, path)
	if hint != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", hint)
	}
	return errors.New(msg)
}

// errIsDir reports a project path that is a directory where fn reads a file.
func errIsDir(fn, p string) error {
	return fmt.Errorf("%s: %q is a directory, want a file", fn, p)
}

// errOutsideProject reports a project path p that is, or lies under, link:
// a symbolic link to target ("" when unreadable) that leaves the project.
func errOutsideProject(fn, p, link, target string) error {
	what := fmt.Sprintf("%q is", p)
	if link != p {
		what = fmt.Sprintf("%q is under %q,", p, link)
	}
	switch {
	case strings.HasPrefix(target, "/"):
		return fmt.Errorf("%s: %s a symbolic link to an absolute path (%s); cairn reads only files inside the project directory, through relative links", fn, what, target)
	case target != "":
		return fmt.Errorf("%s: %s a symbolic link that points outside the project (to %s); cairn reads only files inside the project directory", fn, what, target)
	}
	return fmt.Errorf("%s: %s a symbolic link that points outside the project; cairn reads only files inside the project directory", fn, what)
}

// errDuplicatePartition reports two partitions of one disk with one name;
// disk() positions it at the second.
func errDuplicatePartition(name string) error {
	return fmt.Errorf("two partitions are named %q; names must be unique", name)
}

// errNoContext reports a context() the build was not given.
func errNoContext(name string) error {
	return fmt.Errorf("no context %q was given; pass --context %s=DIR (cairn build) or --opt context:%s=local:%s with --local %s=DIR (buildctl)",
		name, name, name, name, name)
}

// errDuplicateTarget reports a target declared twice.
func errDuplicateTarget(name, first string) error {
	return fmt.Errorf("target: %q is already declared at %s; target names must be unique", name, first)
}

// errNoHelper reports a cairn binary built without its in-graph helper.
func errNoHelper(fn, platform string) error {
	return fmt.Errorf("%s needs cairn's in-graph helper for %s, but this cairn binary was built without it; build cairn with `make build`", fn, platform)
}

// errPlatformSyntax reports a platform that does not parse; ParsePlatforms'
// callers put the flag in front: `--platform "linux/": want ...`.
func errPlatformSyntax(s string) error {
	return fmt.Errorf("%q: want platforms like linux/amd64,linux/arm64", s)
}

// errUnknownPlatform reports a well-formed platform cairn does not build for.
func errUnknownPlatform(s string) error {
	return fmt.Errorf("%s: unknown platform; cairn builds for %s", s, platformNames())
}

// unpackIn runs an Unpacker outside starlark.UnpackArgs, adding the prefix
// UnpackArgs would add.
func unpackIn(fn, param string, u starlark.Unpacker, v starlark.Value) error {
	if err := u.Unpack(v); err != nil {
		return fmt.Errorf("%s: for parameter %s: %w", fn, param, err)
	}
	return nil
}

// errNoPackageSource reports a compiler built without a package source.
var errNoPackageSource = errors.New("this build has no package source (the caller passed no CompileOptions.Packages)")

// errNoURL reports a locked package with no download URL on this machine.
func errNoURL(repo string) error {
	return fmt.Errorf("no download URL: no mirror is configured for repository %q on this machine; pass --mirror %s=URL or set CAIRN_MIRRORS", repo, repo)
}
