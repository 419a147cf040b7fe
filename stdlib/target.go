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
	},
	Returns: "None",
	Doc:     "`cairn build NAME -o DIR` writes the artifact's tree into DIR (default ./out/NAME), replacing the previous output only when the build succeeds.",
	Example: `target("hello", out, doc = "a greeting, built by a static binary")`,
	fn:      targetFn,
}

var targetName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

func targetFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var name, doc string
	art := artifactArg{}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name", &name, "artifact", &art, "doc?", &doc); err != nil {
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
	st.targets[name] = &Target{Name: name, Doc: doc, Pos: callPos(t), Artifact: art.v}
	return starlark.None, nil
}
