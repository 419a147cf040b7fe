package stdlib

import (
	"fmt"
	"regexp"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"go.starlark.net/starlark"
)

var secretBuiltin = Builtin{
	Name:    "secret",
	Summary: "A build secret by name, supplied at build time (`--secret id=NAME,...`), never stored in the graph.",
	Params: []Param{
		{Name: "id", Type: "string", Doc: `the secret's name, as given to --secret id=NAME`},
		{Name: "required", Type: "bool", Default: "True", Doc: "fail the step when the build was not given the secret"},
	},
	Returns: "secret",
	Doc: "Mount it in `run(mounts = {\"/run/secrets/token\": secret(\"token\")})`: the value is a file in a tmpfs " +
		"for that step only. Only the name is part of the graph: the value never reaches the LLB, the cache, logs or " +
		"outputs, and changing it does not invalidate the cache.",
	Example: `run("curl -H @/run/secrets/auth ...", rootfs = base, mounts = {"/run/secrets/auth": secret("auth")}, network = True)`,
	fn:      secretFn,
}

var secretID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Secret is the Starlark value secret() returns: a name, never a value.
type Secret struct {
	at
	ID       string
	Required bool
}

func secretFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	s := &Secret{at: at{callPos(t)}, Required: true}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "id", &s.ID, "required?", &s.Required); err != nil {
		return nil, err
	}
	if !secretID.MatchString(s.ID) {
		return nil, errParam("secret", "id", quote(s.ID), `a name like "git-token" (letters, digits, ".", "_", "-")`)
	}
	return s, nil
}

// String implements starlark.Value.
func (s *Secret) String() string { return fmt.Sprintf("<secret %s>", s.ID) }

// Type implements starlark.Value.
func (s *Secret) Type() string { return "secret" }

// Freeze implements starlark.Value.
func (s *Secret) Freeze() {}

// Truth implements starlark.Value.
func (s *Secret) Truth() starlark.Bool { return starlark.True }

// Hash implements starlark.Value.
func (s *Secret) Hash() (uint32, error) { return starlark.String(s.ID).Hash() }

// secretMount mounts the secret as a read-only file at dest.
func secretMount(dest string, s *Secret) llb.RunOption {
	opts := []llb.SecretOption{llb.SecretID(s.ID), llb.SecretFileOpt(0, 0, 0o400)}
	if !s.Required {
		opts = append(opts, llb.SecretOptional)
	}
	return llb.AddSecret(dest, opts...)
}

// signerID is the public identity of the key a signing step gets as
// secret s (CompileOptions.SignerIdentity), "" when the door cannot know
// it. A secret that holds no key the signer can read is an error at the
// recipe line that names it.
func (c *Compiler) signerID(fn string, s *Secret) (string, error) {
	if c.opts.SignerIdentity == nil {
		return "", nil
	}
	id, err := c.opts.SignerIdentity(s.ID)
	if err != nil {
		return "", errAt(s.p, fn, fmt.Errorf("signer secret(%q): %w", s.ID, err))
	}
	return id, nil
}

// pgpSigner is an OpenPGP signer parameter: a secret holding the key, or
// a signing service's key with its OpenPGP certificate.
type pgpSigner struct {
	key     *Secret
	transit *Transit
}

// signerArg reads a builtin's signer parameter: a secret holding the key,
// a signer.transit(openpgp = ...), or None for no signature.
func signerArg(fn string, v starlark.Value) (*pgpSigner, error) {
	switch s := v.(type) {
	case starlark.NoneType:
		return nil, nil
	case *Secret:
		return &pgpSigner{key: s}, nil
	case *Transit:
		if s.openpgp == nil {
			return nil, errAt(s.p, fn, fmt.Errorf("signer.transit(key = %q) signs OpenPGP only with its OpenPGP certificate: add openpgp = \"keys/KEY.asc\" (gpg --export --armor)", s.Key))
		}
		return &pgpSigner{transit: s}, nil
	case *SSHAgent:
		return nil, errAt(s.p, fn, fmt.Errorf("ssh_agent(%q) signs EFI binaries (efi_sign(), secure_boot()) only: an OpenPGP signature covers a hash with a trailer the agent cannot be given; sign %s with a key secret or signer.transit(..., openpgp = ...)", s.ID, fn))
	}
	return nil, errParam(fn, "signer", v.Type(), `a secret("ID") holding the signing key, a signer.transit(..., openpgp = ...), or None`)
}

// pgpCertPath is where a transit signer's OpenPGP certificate is mounted.
const pgpCertPath = "/in/cairn-openpgp-cert"

// signerOpts mounts signer s in a signing step whose key file goes to
// keyPath: it sets the request's key, key identity (see signerID) or
// transit fields, and returns the step's mounts and network (none,
// unless a signing service must be reached).
func (c *Compiler) signerOpts(fn, keyPath string, s *pgpSigner, key, keyID *string, tr **request.Transit) ([]llb.RunOption, error) {
	switch {
	case s == nil:
		return []llb.RunOption{llb.Network(pb.NetMode_NONE)}, nil
	case s.transit != nil:
		cert, err := c.State(s.transit.openpgp)
		if err != nil {
			return nil, err
		}
		t, token := s.transit.request()
		t.OpenPGP, *tr = pgpCertPath, t
		return []llb.RunOption{token, llb.AddMount(pgpCertPath, cert, llb.SourcePath("/"+s.transit.openpgp.File()), llb.Readonly)}, nil
	}
	id, err := c.signerID(fn, s.key)
	if err != nil {
		return nil, err
	}
	*key, *keyID = keyPath, id
	return []llb.RunOption{secretMount(keyPath, s.key), llb.Network(pb.NetMode_NONE)}, nil
}
