package stdlib

import (
	"regexp"

	"go.starlark.net/starlark"
)

var targetBuiltin = Builtin{
	Name:    "target",
	Summary: "Declare what `cairn build NAME` produces.",
	Params: []Param{
		{Name: "name", Type: "string", Doc: "target name: lower-case letters, digits, '.', '_' and '-'"},
		{Name: "artifact", Type: "artifact", Doc: "the tree written to the output directory"},
		{Name: "doc", Type: "string", Default: `""`, Doc: "one line shown by `cairn targets`"},
		{Name: "attest_key", Type: "secret or signer", Default: "None", Doc: "signs the output's SBOM and provenance (DSSE envelopes in `DIR/NAME.intoto.jsonl`): an RSA key as `secret(\"ID\")`, a `signer.transit(...)` or an `ssh_agent(\"ID\")`, as efi_sign() takes it"},
		{Name: "attest_cert", Type: "string or artifact", Default: "None", Doc: "the key's X.509 certificate (PEM or DER), a project path or an artifact holding one file; given with attest_key"},
	},
	Returns: "None",
	Doc: "`cairn build NAME -o DIR` writes the artifact's tree into DIR (default ./out/NAME), replacing the previous output only when the build succeeds, " +
		"and beside it DIR/NAME.spdx.json (SPDX 2.3 SBOM) and DIR/NAME.provenance.json (SLSA v1 provenance). With attest_key and attest_cert, a step after the build " +
		"signs both, as in-toto statements, into DSSE envelopes in DIR/NAME.intoto.jsonl (see docs/provenance.md).",
	Example: `target("hello", out, doc = "a greeting, built by a static binary")`,
	fn:      targetFn,
}

var targetName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

func targetFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var name, doc string
	art := artifactArg{}
	var key, cert starlark.Value = starlark.None, starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name", &name, "artifact", &art, "doc?", &doc, "attest_key?", &key, "attest_cert?", &cert); err != nil {
		return nil, err
	}
	signer, err := x509SignerParams(t, at{callPos(t)}, "target", "attest_key", key, "attest_cert", cert)
	if err != nil {
		return nil, err
	}
	if !targetName.MatchString(name) {
		return nil, errParam("target", "name", quote(name), `a name like "rootfs-arm64" (lower-case letters, digits, '.', '_', '-')`)
	}
	st, err := stateOf(t)
	if err != nil {
		return nil, err
	}
	if prev, ok := st.targets[name]; ok {
		return nil, errDuplicateTarget(name, prev.Pos.String())
	}
	st.targets[name] = &Target{Name: name, Doc: doc, Pos: callPos(t), Artifact: art.v, attest: signer}
	return starlark.None, nil
}
