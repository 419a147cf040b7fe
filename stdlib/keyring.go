package stdlib

import (
	"io/fs"

	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"go.starlark.net/starlark"
)

var keyringBuiltin = Builtin{
	Name:    "keyring",
	Summary: "OpenPGP public keys from a project file, to verify signatures with (`git(verify = ...)`).",
	Params: []Param{
		{Name: "path", Type: "string", Doc: "project path of the keys, binary or ASCII-armored (`gpg --export --armor KEYID... > maintainers.asc`)"},
	},
	Returns: "keyring, with fields `path` and `fingerprints` (the primary keys', upper-case hex)",
	Doc: "The file is read and parsed when the recipe is evaluated, so a missing file or one without keys fails at this line. " +
		"Only public keys are read; the file belongs in the project and in review like any source.",
	Example: `maintainers = keyring("keys/maintainers.asc")`,
	fn:      keyringFn,
}

// Keyring is the Starlark value keyring() returns.
type Keyring struct {
	at
	kr *gitsrc.Keyring
}

var (
	_ starlark.Value    = (*Keyring)(nil)
	_ starlark.HasAttrs = (*Keyring)(nil)
)

func keyringFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	p := relPath{}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "path", &p); err != nil {
		return nil, err
	}
	st, err := stateOf(t)
	if err != nil {
		return nil, err
	}
	data, err := fs.ReadFile(st.project, p.v)
	if err != nil {
		return nil, errProjectPath(st.project, "keyring", p.v, err)
	}
	kr, err := gitsrc.ParseKeyring(p.v, data)
	if err != nil {
		return nil, errParam("keyring", "path", quote(p.v), "a file of OpenPGP public keys: "+err.Error())
	}
	return &Keyring{at: at{callPos(t)}, kr: kr}, nil
}

// String implements starlark.Value.
func (k *Keyring) String() string { return "<keyring " + k.kr.Name + ">" }

// Type implements starlark.Value.
func (k *Keyring) Type() string { return "keyring" }

// Freeze implements starlark.Value; keyrings are immutable.
func (k *Keyring) Freeze() {}

// Truth implements starlark.Value.
func (k *Keyring) Truth() starlark.Bool { return starlark.True }

// Hash implements starlark.Value.
func (k *Keyring) Hash() (uint32, error) { return starlark.String(k.kr.SHA256).Hash() }

// Attr exposes path and fingerprints.
func (k *Keyring) Attr(name string) (starlark.Value, error) {
	switch name {
	case "path":
		return starlark.String(k.kr.Name), nil
	case "fingerprints":
		fprs := k.kr.Fingerprints()
		l := make([]starlark.Value, len(fprs))
		for i, f := range fprs {
			l[i] = starlark.String(f)
		}
		return starlark.NewList(l), nil
	}
	return nil, nil
}

// AttrNames lists the fields.
func (k *Keyring) AttrNames() []string { return []string{"fingerprints", "path"} }

// keyringArg unpacks a keyring value.
type keyringArg struct{ v *Keyring }

func (a *keyringArg) Unpack(v starlark.Value) error {
	k, ok := v.(*Keyring)
	if !ok {
		return errGot(v.Type(), `a keyring (from keyring("path/keys.asc"))`)
	}
	a.v = k
	return nil
}
