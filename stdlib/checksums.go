package stdlib

import (
	"fmt"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

var checksumsBuiltin = Builtin{
	Name:    "checksums",
	Summary: "An artifact with a SHA256SUMS of its files beside them, signed with a key that stays a secret.",
	Params: []Param{
		{Name: "contents", Type: "artifact", Doc: "the tree to list: an iso(), a disk(), any output"},
		{Name: "name", Type: "string", Default: `"SHA256SUMS"`, Doc: "the checksum file's name, at the root of the result"},
		{Name: "signer", Type: "secret or signer", Default: "None", Doc: "an ASCII-armored OpenPGP secret key without passphrase, as `secret(\"ID\")` given with `--secret id=ID,src=FILE`, or a `signer.transit(..., openpgp = ...)`; without it the list is unsigned"},
	},
	Returns: "artifact: contents, NAME, and when signed NAME.sign (an armored detached signature) and signing-key.asc (the public key)",
	Doc: "Lists every regular file of contents by its path, sorted, in the format `sha256sum -c` reads " +
		"(symbolic links are left out; sparse files are read by their data). Signed as apt_repo() signs: at " +
		"SOURCE_DATE_EPOCH (or the key's creation when that is later), deterministically, the key mounted for this " +
		"one step as a BuildKit secret and never in the graph, the cache, logs or outputs. Check a download with " +
		"`gpgv --keyring KEYRING NAME.sign NAME` and `sha256sum -c NAME`. The contents are not copied: the list " +
		"is merged beside them; contents that already hold a file of those names are an error.",
	Example: `target("iso", checksums(iso(contents = live), signer = secret("release-key")))`,
	fn:      checksumsFn,
}

type checksumsNode struct {
	at
	src    *Artifact
	name   string
	signer *pgpSigner
}

func checksumsFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	src := artifactArg{}
	name := "SHA256SUMS"
	var signer starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "contents", &src, "name?", &name, "signer?", &signer); err != nil {
		return nil, err
	}
	if err := checkFileName("checksums", name, `"SHA256SUMS"`); err != nil {
		return nil, err
	}
	key, err := signerArg("checksums", signer)
	if err != nil {
		return nil, err
	}
	n := &checksumsNode{at: at{callPos(t)}, src: src.v, name: name, signer: key}
	return newArtifact(n, fmt.Sprintf("checksums(%s)", quote(name))), nil
}

// sumsKeyPath is where the signing key is mounted in the step.
const sumsKeyPath = "/run/secrets/cairn-sums-signing-key"

func (n *checksumsNode) compile(c *Compiler) (llb.State, error) {
	root, err := c.helperState("checksums")
	if err != nil {
		return llb.State{}, errAt(n.p, "", err)
	}
	src, err := c.State(n.src)
	if err != nil {
		return llb.State{}, err
	}
	req := request.Sums{Src: "/src", Out: "/out", Name: n.name, Epoch: c.epoch}
	// Keyed by the contents' step, not read for a content key first: the
	// step reads them once, to hash them (see imageInput).
	opts := []llb.RunOption{llb.AddMount("/src", src, llb.Readonly, llb.ContentCache(llb.MountContentCacheOff))}
	signing, err := c.signerOpts("checksums", sumsKeyPath, n.signer, &req.Key, &req.KeyID, &req.Transit)
	if err != nil {
		return llb.State{}, err
	}
	opts = append(opts, signing...)
	signed := "unsigned"
	if n.signer != nil {
		signed = "signed"
	}
	args, err := request.Args(helperPath, req)
	if err != nil {
		return llb.State{}, errAt(n.p, "checksums", err)
	}
	opts = append(opts, llb.Args(args), llb.Platform(c.helper.Platform),
		llb.WithCustomName(fmt.Sprintf("checksums %s (%s)", n.name, signed)), c.loc(n.p))
	sums := root.Run(opts...).AddMount("/out", llb.Scratch())
	return llb.Merge([]llb.State{src, sums}, llb.WithCustomName("beside its checksums"), c.loc(n.p)), nil
}
