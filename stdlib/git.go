package stdlib

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

var gitBuiltin = Builtin{
	Name:    "git",
	Summary: "A git repository's tree at one commit, fetched inside BuildKit; a ref is pinned to its commit in `cairn.lock`, a signed tag verified first.",
	Params: []Param{
		{Name: "url", Type: "string", Doc: "the remote: https://, http://, git://, ssh:// or user@host:path (no password in it; see `auth`)"},
		{Name: "ref", Type: "string", Default: "None", Doc: `branch, tag or full ref name ("refs/tags/v1.2"); without ref and commit, the remote's default branch`},
		{Name: "commit", Type: "string", Default: "None", Doc: "full commit id (40 or 64 hex digits); alone it needs no resolution and no lock entry; with `ref`, the ref must name it"},
		{Name: "auth", Type: "secret", Default: "None", Doc: `for http(s): a token, sent as HTTP basic auth with user "x-access-token" (the way forges take access tokens), e.g. secret("git-token") with --secret id=git-token,env=GIT_TOKEN`},
		{Name: "auth_header", Type: "secret", Default: "None", Doc: `for http(s): a whole Authorization header value ("Bearer ..."); wins over auth`},
		{Name: "keep_git_dir", Type: "bool", Default: "False", Doc: "keep the .git directory (a shallow clone of the commit); its index holds file stat data, so the output is then not bit-for-bit reproducible"},
		{Name: "submodules", Type: "bool", Default: "True", Doc: "check out submodules too, at the commits the tree records"},
		{Name: "verify", Type: "keyring", Default: "None", Doc: "require `ref` to be an annotated tag with a good OpenPGP signature by a key of this keyring"},
		{Name: "allowed_signers", Type: "list of string", Default: "[]", Doc: "with `verify`: only these keys may have signed the tag, by full fingerprint (primary key or subkey) or by e-mail address of a user ID; empty allows every key of the keyring"},
		{Name: "known_hosts", Type: "string", Default: "None", Doc: "for ssh: project path of a known_hosts file for the server; without it the engine trusts the host key ssh-keyscan finds when the graph is made"},
	},
	Returns: "artifact: the checked-out tree",
	Doc: "Resolution runs `git ls-remote` on the machine running cairn (with the `auth` secret from `--secret`, or your SSH agent) " +
		"and only when `cairn.lock` does not already pin the ref; `cairn lock` records the answers, `cairn build --locked` refuses to resolve. " +
		"The fetch runs inside BuildKit, by commit, with `auth` as a session secret and, for ssh, the agent forwarded with `--ssh default`. " +
		"Files are owned by 0:0 and stamped with SOURCE_DATE_EPOCH. See docs/git.md for the trust model.",
	Example: `src = git("https://example.org/tool.git", ref = "v1.2", verify = keyring("maintainers.asc"), allowed_signers = ["alice@example.org"])`,
	fn:      gitFn,
}

type gitNode struct {
	at
	url, ref, commit string
	scheme           string
	auth             gitsrc.Auth
	keepGitDir       bool
	submodules       bool
	verify           *Keyring
	allowed          []string
	knownHosts       string
}

func gitFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	n := &gitNode{at: at{callPos(t)}, submodules: true}
	var auth, header secretArg
	var verify keyringArg
	allowed := stringList{}
	hosts := relPath{}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "url", &n.url, "ref?", &n.ref, "commit?", &n.commit,
		"auth?", &auth, "auth_header?", &header, "keep_git_dir?", &n.keepGitDir, "submodules?", &n.submodules,
		"verify?", &verify, "allowed_signers?", &allowed, "known_hosts?", &hosts); err != nil {
		return nil, err
	}
	n.auth = gitsrc.Auth{TokenSecret: auth.id(), HeaderSecret: header.id()}
	n.verify = verify.v
	if err := n.check(allowed.v); err != nil {
		return nil, err
	}
	if hosts.v != "" {
		if err := n.readKnownHosts(t, hosts.v); err != nil {
			return nil, err
		}
	}
	return newArtifact(n, "git("+quote(n.url)+")"), nil
}

// check validates the arguments against each other.
func (n *gitNode) check(allowed []string) error {
	var err error
	if n.scheme, err = gitsrc.CheckURL(n.url); err != nil {
		return fmt.Errorf("git: for parameter url: %w", err)
	}
	if n.ref != "" {
		if err := gitsrc.CheckRef(n.ref); err != nil {
			return fmt.Errorf("git: for parameter ref: %w", err)
		}
	}
	if n.commit != "" && !gitsrc.IsCommit(strings.ToLower(n.commit)) {
		return errParam("git", "commit", quote(n.commit), "a full commit id (40 or 64 hex digits)")
	}
	n.commit = strings.ToLower(n.commit)
	if (n.auth != gitsrc.Auth{}) && n.scheme != "https" && n.scheme != "http" {
		return errParam("git", "auth", "a secret for a "+n.scheme+" URL", "an http(s) URL (ssh uses the SSH agent forwarded with --ssh default)")
	}
	return n.checkVerify(allowed)
}

func (n *gitNode) checkVerify(allowed []string) error {
	switch {
	case n.verify == nil && len(allowed) > 0:
		return errParam("git", "allowed_signers", "signers without verify=", `verify = keyring("keys.asc") holding their keys`)
	case n.verify != nil && n.ref == "":
		return errParam("git", "verify", "a keyring without ref=", "ref= naming the signed tag to verify")
	}
	for _, s := range allowed {
		norm, err := gitsrc.NormalizeSigner(s)
		if err != nil {
			return fmt.Errorf("git: for parameter allowed_signers: %w", err)
		}
		n.allowed = append(n.allowed, norm)
	}
	return nil
}

func (n *gitNode) readKnownHosts(t *starlark.Thread, p string) error {
	if n.scheme != "ssh" {
		return errParam("git", "known_hosts", "a known_hosts file for a "+n.scheme+" URL", "an ssh:// or user@host:path URL")
	}
	st, err := stateOf(t)
	if err != nil {
		return err
	}
	data, err := fs.ReadFile(st.project, p)
	if err != nil {
		return errProjectPath(st.project, "git", p, err)
	}
	n.knownHosts = string(data)
	return nil
}

// request is what the node asks the resolver.
func (n *gitNode) request() gitsrc.Request {
	r := gitsrc.Request{URL: n.url, Ref: n.ref, Commit: n.commit, AllowedSigners: n.allowed, Auth: n.auth}
	if n.verify != nil {
		r.Verify = n.verify.kr
	}
	return r
}

// gitPin is the commit to fetch: the recipe's own when it names no ref,
// else the resolver's answer.
func (c *Compiler) gitPin(n *gitNode) (string, error) {
	if n.ref == "" && n.commit != "" {
		return n.commit, nil
	}
	if c.opts.Git == nil {
		return "", errAt(n.p, "git", errNoGitResolver)
	}
	pin, err := c.opts.Git.Resolve(c.ctx, n.request())
	if err != nil {
		return "", errAt(n.p, "git", err)
	}
	return pin.Commit, nil
}

func (n *gitNode) compile(c *Compiler) (llb.State, error) {
	commit, err := c.gitPin(n)
	if err != nil {
		return llb.State{}, err
	}
	c.recordSource("git+"+n.url+"@"+commit, "gitCommit", commit)
	name := "git " + n.url + "@" + commit[:12]
	if n.ref != "" {
		name += " (" + n.ref + ")"
	}
	src := llb.Git(n.url, "", n.options(commit, llb.WithCustomName(name), c.loc(n.p))...)
	cp := llb.Copy(src, "/", "/", &llb.CopyInfo{CopyDirContentsOnly: true, ChownOpt: rootOwner()}, c.created())
	return llb.Scratch().File(cp, llb.WithCustomName(name), c.loc(n.p)), nil
}

// options pin the source to the commit alone: BuildKit fetches it by id
// (shallow) and never asks the remote what a ref names.
func (n *gitNode) options(commit string, extra ...llb.GitOption) []llb.GitOption {
	opts := []llb.GitOption{llb.GitRef(commit), llb.GitChecksum(commit), llb.GitFetchByCommit()}
	if n.keepGitDir {
		opts = append(opts, llb.KeepGitDir())
	}
	if !n.submodules {
		opts = append(opts, llb.GitSkipSubmodules())
	}
	if n.auth.TokenSecret != "" {
		opts = append(opts, llb.AuthTokenSecret(n.auth.TokenSecret))
	}
	if n.auth.HeaderSecret != "" {
		opts = append(opts, llb.AuthHeaderSecret(n.auth.HeaderSecret))
	}
	if n.knownHosts != "" {
		opts = append(opts, llb.KnownSSHHosts(n.knownHosts))
	}
	return append(opts, extra...)
}

// errNoGitResolver reports a compiler built without a git resolver.
var errNoGitResolver = errors.New("this build cannot resolve refs (the caller passed no CompileOptions.Git); give commit= alone, or build with cairn")

// secretArg unpacks an optional secret value.
type secretArg struct{ v *Secret }

func (a *secretArg) Unpack(v starlark.Value) error {
	s, ok := v.(*Secret)
	if !ok {
		return errGot(v.Type(), `a secret (from secret("NAME"))`)
	}
	a.v = s
	return nil
}

func (a *secretArg) id() string {
	if a.v == nil {
		return ""
	}
	return a.v.ID
}
