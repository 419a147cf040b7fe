package stdlib

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"regexp"
	"strings"

	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"github.com/cairn-build/cairn/internal/pkgs"
	"go.starlark.net/starlark"
)

var repoDebBuiltin = Builtin{
	Name:    "repo.deb",
	Summary: "A Debian package repository (an apt archive), verified by its OpenPGP signature.",
	Params: []Param{
		{Name: "name", Type: "string", Default: `"debian"`, Doc: "the repository's name in `cairn.lock` and in `--mirror NAME=URL`"},
		{Name: "suite", Type: "string", Doc: `suite or codename, e.g. "bookworm"`},
		{Name: "components", Type: "list of string", Default: `["main"]`, Doc: "archive components to read"},
		{Name: "mirror", Type: "string", Default: "None", Doc: "the repository's URL, when it is not a mirror of a public archive; `--mirror NAME=URL` still overrides it. Without it the mirror comes from the machine: `--mirror`, `CAIRN_MIRRORS`, else the host's apt sources for this suite"},
		{Name: "keyring", Type: "string", Default: "None", Doc: "project path of the keyring (binary or ASCII-armored) that must have signed the repository's InRelease; default: the host's Debian archive keyring"},
		{Name: "snapshot", Type: "string", Default: "None", Doc: `pin the archive to a point in time, e.g. "20250520T000000Z"; the mirror URL must then contain "{snapshot}"`},
		{Name: "check_date", Type: "bool", Default: "True", Doc: "refuse a Release without a valid `Date`, or dated more than 10 seconds ahead of this machine's clock (apt's `check-date`); False for a repository published without a Date or dated ahead on purpose"},
		{Name: "check_valid_until", Type: "bool", Default: "True, False with `snapshot`", Doc: "refuse a Release past its `Valid-Until` date (apt's `check-valid-until`), the sign of a mirror serving stale metadata; a snapshot's metadata is old by design, so with `snapshot` it is not checked unless this is True"},
		{Name: "tree", Type: "artifact", Default: "None", Doc: "an `apt_repo()` of this recipe: `rootfs()` installs its `deb_package()` builds straight from the build (suite and components are the tree's; name defaults to \"built\")"},
		{Name: "trusted", Type: "bool", Default: "False", Doc: "accept an unsigned `tree` (apt's `[trusted=yes]`); a signed one needs no trust"},
	},
	Returns: "repo",
	Doc: "Nothing is fetched here. When a `rootfs()` that uses the repository is built, cairn reads `cairn.lock`; " +
		"only when the lock does not cover the request does it fetch `InRelease` (or `Release` + `Release.gpg`), " +
		"verify the signature and the index hashes, and resolve. The mirror is never part of the lockfile or the " +
		"cache keys: the same recipe builds from any mirror holding the same files. Neither are `check_date` and " +
		"`check_valid_until`: they guard fetching metadata, and a locked build fetches none.",
	Example: `debian = repo.deb(suite = "bookworm", components = ["main"])`,
	fn:      repoDebFn,
}

var (
	repoName   = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	suiteName  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]*$`)
	snapshotTS = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z$`)
)

func repoDebFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	for _, kv := range kwargs {
		if k, _ := starlark.AsString(kv[0]); k == "tree" {
			return builtRepoFn(b, args, kwargs)
		}
	}
	name, suite, mirror, snapshot := "debian", "", "", ""
	comps := stringList{}
	keyring := relPath{}
	checkDate, checkValidUntil := true, optBool{}
	var tree starlark.Value = starlark.None
	trusted := false
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name?", &name, "suite", &suite,
		"components?", &comps, "mirror?", &mirror, "keyring?", &keyring, "snapshot?", &snapshot,
		"check_date?", &checkDate, "check_valid_until?", &checkValidUntil, "tree?", &tree, "trusted?", &trusted); err != nil {
		return nil, err
	}
	if tree != starlark.None {
		return nil, errParam("repo.deb", "tree", tree.String(), "tree = ... given by keyword, with name and trusted only")
	}
	if trusted {
		return nil, errParam("repo.deb", "trusted", "True", "False: only a tree = apt_repo(...) may be trusted unsigned; an archive is verified against its keyring")
	}
	spec := pkgs.RepoSpec{Type: "deb", Name: name, Suite: suite, Components: comps.v, Mirror: mirror, Snapshot: snapshot,
		IgnoreDate: !checkDate, IgnoreValidUntil: !checkValidUntil.or(snapshot == "")}
	if len(spec.Components) == 0 {
		spec.Components = []string{"main"}
	}
	if err := checkRepoSpec(spec); err != nil {
		return nil, err
	}
	if keyring.v != "" {
		if err := readKeyring(t, &spec, keyring.v); err != nil {
			return nil, err
		}
	}
	return &Repo{spec: spec}, nil
}

func checkRepoSpec(s pkgs.RepoSpec) error {
	switch {
	case !repoName.MatchString(s.Name):
		return errParam("repo.deb", "name", quote(s.Name), `a name like "debian" (lower-case letters, digits, '.', '_', '-')`)
	case !suiteName.MatchString(s.Suite):
		return errParam("repo.deb", "suite", quote(s.Suite), `a suite like "bookworm"`)
	case s.Snapshot != "" && !snapshotTS.MatchString(s.Snapshot):
		return errParam("repo.deb", "snapshot", quote(s.Snapshot), `a UTC timestamp like "20250520T000000Z"`)
	}
	for _, c := range s.Components {
		if !suiteName.MatchString(c) {
			return errParam("repo.deb", "components", quote(c), `components like "main"`)
		}
	}
	if s.Mirror != "" {
		u, err := url.Parse(s.Mirror)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errParam("repo.deb", "mirror", quote(s.Mirror), "an http:// or https:// URL")
		}
	}
	return nil
}

func readKeyring(t *starlark.Thread, spec *pkgs.RepoSpec, p string) error {
	st, err := stateOf(t)
	if err != nil {
		return err
	}
	data, err := fs.ReadFile(st.project, p)
	if err != nil {
		return errProjectPath(st.project, "repo.deb", p, err)
	}
	// Parsed now, as keyring() does: an empty file would otherwise mean the
	// host's keyring, and a broken one fail only when the indexes are read.
	if _, err := gitsrc.ParseKeyring(p, data); err != nil {
		return errParam("repo.deb", "keyring", quote(p), "a file of OpenPGP public keys: "+err.Error())
	}
	sum := sha256.Sum256(data)
	spec.Keyring, spec.KeyringData, spec.KeyringSHA256 = p, data, hex.EncodeToString(sum[:])
	return nil
}

// optBool is a bool whose default depends on other arguments: None (or
// no argument) leaves it unset.
type optBool struct {
	set, v bool
}

func (o *optBool) Unpack(v starlark.Value) error {
	switch x := v.(type) {
	case starlark.NoneType:
		o.set = false
	case starlark.Bool:
		o.set, o.v = true, bool(x)
	default:
		return errGot(v.Type(), "bool")
	}
	return nil
}

// or returns the value, or def when unset.
func (o optBool) or(def bool) bool {
	if o.set {
		return o.v
	}
	return def
}

// Repo is the Starlark value of a package repository: a typed record whose
// fields a recipe may read but not change.
type Repo struct {
	spec pkgs.RepoSpec
	// tree is the apt_repo() artifact of a repository built by the recipe.
	tree *Artifact
}

// builtRepoFn is repo.deb(tree = apt_repo(...)): a repository built by
// the recipe, named "built" unless told otherwise.
func builtRepoFn(b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	name, suite := "built", ""
	var v starlark.Value
	trusted := false
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name?", &name, "suite?", &suite, "tree", &v, "trusted?", &trusted); err != nil {
		return nil, err
	}
	a, ok := v.(*Artifact)
	var n *aptRepoNode
	if ok {
		n, ok = a.node.(*aptRepoNode)
	}
	if !ok {
		return nil, errParam("repo.deb", "tree", v.String(), "an apt_repo(...) of this recipe")
	}
	if suite != "" && suite != n.suite {
		return nil, errParam("repo.deb", "suite", quote(suite), fmt.Sprintf("the tree's own suite %q, or no suite", n.suite))
	}
	if n.signer == nil && !trusted {
		return nil, errParam("repo.deb", "tree", v.String(), "a signed repository (apt_repo(signer = secret(...))), or trusted = True to accept it unsigned")
	}
	spec := pkgs.RepoSpec{Type: "deb", Name: name, Suite: n.suite, Components: []string{n.component}}
	if err := checkRepoSpec(spec); err != nil {
		return nil, err
	}
	return &Repo{spec: spec, tree: a}, nil
}

var (
	_ starlark.Value    = (*Repo)(nil)
	_ starlark.HasAttrs = (*Repo)(nil)
)

func (r *Repo) String() string {
	return fmt.Sprintf("<repo.deb %s %s %s>", r.spec.Name, r.spec.Suite, strings.Join(r.spec.Components, ","))
}
func (r *Repo) Type() string          { return "repo" }
func (r *Repo) Freeze()               {}
func (r *Repo) Truth() starlark.Bool  { return starlark.True }
func (r *Repo) Hash() (uint32, error) { return starlark.String(r.String()).Hash() }

// Attr exposes the declared fields: name, suite, components, type.
func (r *Repo) Attr(name string) (starlark.Value, error) {
	switch name {
	case "name":
		return starlark.String(r.spec.Name), nil
	case "suite":
		return starlark.String(r.spec.Suite), nil
	case "type":
		return starlark.String(r.spec.Type), nil
	case "components":
		l := make([]starlark.Value, len(r.spec.Components))
		for i, c := range r.spec.Components {
			l[i] = starlark.String(c)
		}
		return starlark.NewList(l), nil
	}
	return nil, nil
}

// AttrNames lists the fields.
func (r *Repo) AttrNames() []string { return []string{"components", "name", "suite", "type"} }

// repoArg unpacks a repo value.
type repoArg struct{ v *Repo }

func (a *repoArg) Unpack(v starlark.Value) error {
	r, ok := v.(*Repo)
	if !ok {
		return errGot(v.Type(), "a repo (from repo.deb())")
	}
	a.v = r
	return nil
}
