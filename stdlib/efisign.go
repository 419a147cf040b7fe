package stdlib

import (
	"fmt"
	"path"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

var efiSignBuiltin = Builtin{
	Name:    "efi_sign",
	Summary: "A PE/COFF image (systemd-boot, a kernel's EFI stub, a UKI) signed for UEFI Secure Boot, with a key that stays a secret.",
	Params: []Param{
		{Name: "image", Type: "string or artifact", Doc: "the unsigned image: a project path or an artifact holding one file (`pick(...)` of a package's `.efi`, a `kernel()`'s vmlinuz)"},
		{Name: "key", Type: "secret, signer or ssh_agent", Doc: "the RSA private key, PEM (PKCS#1 or PKCS#8) without passphrase, as `secret(\"ID\")` given with `--secret id=ID,src=FILE`; or a `signer.transit(...)` holding it; or an `ssh_agent(\"ID\")` holding it, given with `--ssh ID=SOCKET` (an ssh-agent in front of a PKCS#11 token: `ssh-add -s MODULE`) or `--ssh ID=KEYFILE` (the key stays on the client)"},
		{Name: "cert", Type: "string or artifact", Doc: "the key's X.509 certificate (PEM or DER): the db entry the firmware verifies with; public, so a project file"},
		{Name: "name", Type: "string", Default: "the image's name", Doc: "the signed file's name"},
	},
	Returns: "artifact holding one file",
	Doc: "Signed by cairn's helper as sbsign signs (Authenticode: SHA-256, RSA PKCS#1 v1.5, the certificate " +
		"embedded), deterministically: no signing time, so the same image, certificate and key give the same " +
		"bytes. The step is keyed by the image and the certificate; the key is mounted for this one step as a " +
		"BuildKit secret and must match the certificate, or the step fails naming both. Check the result with " +
		"`sbverify --cert CERT FILE`.",
	Example: `boot = efi_sign(pick(systemd_boot, "usr/lib/systemd/boot/efi/systemd-bootx64.efi"), key = secret("db-key"), cert = "keys/db.pem")`,
	fn:      efiSignFn,
}

type efiSignNode struct {
	at
	image *Artifact
	sign  *x509Signer
	name  string
}

func efiSignFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var image, cert, key starlark.Value
	name := ""
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "image", &image, "key", &key, "cert", &cert, "name?", &name); err != nil {
		return nil, err
	}
	n := &efiSignNode{at: at{callPos(t)}}
	if key == starlark.None {
		return nil, errParam("efi_sign", "key", key.Type(), `a secret("ID") holding the key, a signer.transit(...), or an ssh_agent("ID") holding it`)
	}
	var err error
	if n.image, _, err = oneFile(t, n.at, "efi_sign", "image", image, "a PE/COFF image: a project path or an artifact holding one file"); err != nil {
		return nil, err
	}
	if n.sign, err = x509SignerArg(t, n.at, "efi_sign", key, cert); err != nil {
		return nil, err
	}
	n.name = name
	if n.name == "" {
		n.name = path.Base(n.image.File())
	}
	if err := checkFileName("efi_sign", n.name, `"BOOTX64.EFI"`); err != nil {
		return nil, err
	}
	return newFileArtifact(n, fmt.Sprintf("efi_sign(%s)", quote(n.name)), n.name), nil
}

func (n *efiSignNode) compile(c *Compiler) (llb.State, error) {
	root, err := c.helperState("efi_sign")
	if err != nil {
		return llb.State{}, errAt(n.p, "", err)
	}
	image, err := c.State(n.image)
	if err != nil {
		return llb.State{}, err
	}
	req := request.EFISign{In: "/in/image", Out: "/out/" + n.name, Epoch: c.epoch}
	opts, err := n.sign.mount(c, &req.Signer, "/in/cert", "efi_sign "+n.name)
	if err != nil {
		return llb.State{}, err
	}
	args, err := request.Args(helperPath, req)
	if err != nil {
		return llb.State{}, errAt(n.p, "efi_sign", err)
	}
	opts = append(opts, llb.AddMount("/in/image", image, llb.SourcePath("/"+n.image.File()), llb.Readonly),
		llb.Platform(c.helper.Platform), c.loc(n.p), llb.Args(args))
	es := root.Run(opts...)
	return es.AddMount("/out", llb.Scratch()), nil
}
