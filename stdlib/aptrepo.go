package stdlib

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

var aptRepoBuiltin = Builtin{
	Name:    "apt_repo",
	Summary: "A Debian archive (apt repository) of built packages, signed with a key that stays a secret.",
	Params: []Param{
		{Name: "packages", Type: "list of artifact", Doc: "`deb_package()` results (or any artifact with .deb files at its root; only `deb_package()` ones can be installed by `rootfs()` in this recipe)"},
		{Name: "suite", Type: "string", Default: `"cairn"`, Doc: "the suite (and codename) under dists/"},
		{Name: "component", Type: "string", Default: `"main"`, Doc: "the one component"},
		{Name: "origin", Type: "string", Default: `"cairn"`, Doc: "Origin and Label of the Release"},
		{Name: "architectures", Type: "list of string", Default: "those of the packages", Doc: `Packages indexes to write, e.g. ["amd64", "arm64"]; "all" packages go into each`},
		{Name: "signer", Type: "secret or signer", Default: "None", Doc: "an ASCII-armored OpenPGP secret key without passphrase, as `secret(\"ID\")` given with `--secret id=ID,src=FILE`, or a `signer.transit(..., openpgp = ...)`; without it the repository is unsigned"},
	},
	Returns: "artifact: pool/, dists/SUITE/ (Release, InRelease and Release.gpg when signed, Packages, Packages.gz, Packages.xz, by-hash/) and archive-key.asc (the public key) when signed",
	Doc: "Written by cairn's helper inside the build: the same packages, epoch and key give the same bytes " +
		"(Release `Date` is SOURCE_DATE_EPOCH; signatures are made at the epoch, or at the key's creation when " +
		"that is later, without the random salt notation). The key is mounted for this one step as a BuildKit " +
		"secret: it is never in the graph, the cache, logs or outputs. Serve the artifact over HTTP (or use it " +
		"as `file:`) with `Signed-By: archive-key.asc`; inside the recipe, `repo.deb(tree = ...)` installs from it.",
	Example: `built = apt_repo(packages = [hello], signer = secret("repo-key"))`,
	fn:      aptRepoFn,
}

var aptWord = regexp.MustCompile(`^[a-z0-9][a-z0-9.+-]*$`)

type aptRepoNode struct {
	at
	packages  []*Artifact
	suite     string
	component string
	origin    string
	arches    []string
	signer    *pgpSigner
}

func aptRepoFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var packages *starlark.List
	n := &aptRepoNode{at: at{callPos(t)}, suite: "cairn", component: "main", origin: "cairn"}
	arches := stringList{}
	var signer starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "packages", &packages, "suite?", &n.suite, "component?", &n.component,
		"origin?", &n.origin, "architectures?", &arches, "signer?", &signer); err != nil {
		return nil, err
	}
	var err error
	if n.packages, err = artifactList("apt_repo", "packages", packages); err != nil {
		return nil, err
	}
	if len(n.packages) == 0 {
		return nil, errParam("apt_repo", "packages", "[]", "at least one deb_package()")
	}
	for _, w := range []struct{ param, v string }{{"suite", n.suite}, {"component", n.component}} {
		if !aptWord.MatchString(w.v) {
			return nil, errParam("apt_repo", w.param, quote(w.v), `a word like "cairn" (lower-case letters, digits, ".", "+", "-")`)
		}
	}
	if n.origin == "" || strings.ContainsAny(n.origin, "\n") {
		return nil, errParam("apt_repo", "origin", quote(n.origin), "one line of text")
	}
	for _, a := range arches.v {
		if _, ok := debArches[a]; !ok && a != "all" {
			return nil, errParam("apt_repo", "architectures", quote(a), "Debian architectures like \"amd64\"")
		}
	}
	n.arches = arches.v
	if n.signer, err = signerArg("apt_repo", signer); err != nil {
		return nil, err
	}
	return newArtifact(n, "apt_repo("+n.suite+")"), nil
}

// keyPath is where the signing key is mounted in the helper's step.
const keyPath = "/run/secrets/cairn-apt-signing-key"

func (n *aptRepoNode) compile(c *Compiler) (llb.State, error) {
	root, err := c.helperState("apt_repo")
	if err != nil {
		return llb.State{}, errAt(n.p, "", err)
	}
	req := request.AptRepo{Out: "/out", Suite: n.suite, Component: n.component, Origin: n.origin,
		Architectures: n.arches, Epoch: c.epoch}
	var opts []llb.RunOption
	for i, a := range n.packages {
		st, err := c.State(a)
		if err != nil {
			return llb.State{}, err
		}
		dir := fmt.Sprintf("/in/%03d", i)
		opts = append(opts, llb.AddMount(dir, st, llb.Readonly))
		req.In = append(req.In, dir)
	}
	signing, err := c.signerOpts("apt_repo", keyPath, n.signer, &req.Key, &req.KeyID, &req.Transit)
	if err != nil {
		return llb.State{}, err
	}
	opts = append(opts, signing...)
	args, err := request.Args(helperPath, req)
	if err != nil {
		return llb.State{}, errAt(n.p, "apt_repo", err)
	}
	signed := "unsigned"
	if n.signer != nil {
		signed = "signed"
	}
	opts = append(opts, llb.Args(args), llb.Platform(c.helper.Platform),
		llb.WithCustomName(fmt.Sprintf("apt repository %s (%d package sets, %s)", n.suite, len(n.packages), signed)), c.loc(n.p))
	return root.Run(opts...).AddMount("/out", llb.Scratch()), nil
}

// builtPackages are the deb_package() builds of the repository, for the
// candidates rootfs() resolves against.
func (n *aptRepoNode) builtPackages() []*debPackageNode {
	var out []*debPackageNode
	for _, a := range n.packages {
		if p, ok := a.node.(*debPackageNode); ok {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].name() < out[j].name() })
	return out
}
