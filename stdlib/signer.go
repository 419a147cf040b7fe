package stdlib

import (
	"fmt"
	"net/url"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

var transitBuiltin = Builtin{
	Name:    "signer.transit",
	Summary: "A key held by a remote signing service with HashiCorp Vault's transit API: only digests leave the build, the key never does.",
	Params: []Param{
		{Name: "url", Type: "string", Doc: "the service's address, `http://HOST:PORT`, as the engine reaches it: the signing step speaks plain HTTP, so a remote service is reached through a local TLS proxy (`vault proxy`, Vault Agent's API proxy)"},
		{Name: "key", Type: "string", Doc: "the transit key's name (an `rsa-2048`, `rsa-3072` or `rsa-4096` key for Secure Boot)"},
		{Name: "token", Type: "secret", Doc: "the service token, as `secret(\"ID\")` given with `--secret id=ID,src=FILE`"},
		{Name: "mount", Type: "string", Default: `"transit"`, Doc: "where the transit engine is mounted"},
		{Name: "openpgp", Type: "string or artifact", Default: "None", Doc: "the key's OpenPGP certificate (public key, user ID, self-signature; `gpg --export --armor`), one file: needed to sign OpenPGP (apt_repo(), checksums()), whose signatures name the certificate's key"},
	},
	Returns: "signer",
	Doc: "Accepted by efi_sign() and secure_boot() in place of a key secret, and with `openpgp` by apt_repo() and checksums(). The signing step reads the key's " +
		"public half (`GET /v1/MOUNT/keys/KEY`), sends each SHA-256 digest to `POST /v1/MOUNT/sign/KEY/sha2-256` " +
		"(`prehashed`, `pkcs1v15`) with the token, and checks every signature it gets back against the public " +
		"key. It is the one kind of step that reaches the network for signing; the token is mounted for it as a " +
		"BuildKit secret and never enters the graph, cache, logs or outputs. The step is keyed by what it signs " +
		"and the certificate, and fails if the service's key is not the certificate's.",
	Example: `db = signer.transit(url = "http://127.0.0.1:8100", key = "secure-boot-db", token = secret("vault-token"))`,
	fn:      transitFn,
}

// Transit is the Starlark value signer.transit() returns.
type Transit struct {
	at
	URL, Key, Mount string
	Token           *Secret
	openpgp         *Artifact
}

func transitFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	s := &Transit{at: at{callPos(t)}, Mount: "transit"}
	var cert starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "url", &s.URL, "key", &s.Key, "token", &s.Token, "mount?", &s.Mount, "openpgp?", &cert); err != nil {
		return nil, err
	}
	if cert != starlark.None {
		var err error
		if s.openpgp, _, err = oneFile(t, s.at, b.Name(), "openpgp", cert, "an OpenPGP certificate: a project path or an artifact holding one file"); err != nil {
			return nil, err
		}
	}
	u, err := url.Parse(s.URL)
	if err == nil && u.Scheme == "https" {
		return nil, errParam(b.Name(), "url", quote(s.URL), `an http:// address: the signing step does not speak TLS; run a local TLS proxy to the service where the engine reaches it (vault proxy, or Vault Agent's API proxy, listening on http://127.0.0.1:8100) and give its address`)
	}
	if err != nil || u.Scheme != "http" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, errParam(b.Name(), "url", quote(s.URL), `the service's address like "http://127.0.0.1:8100" (no credentials: the token is a secret)`)
	}
	if !secretID.MatchString(s.Key) {
		return nil, errParam(b.Name(), "key", quote(s.Key), `a transit key name like "secure-boot-db"`)
	}
	if !secretID.MatchString(s.Mount) {
		return nil, errParam(b.Name(), "mount", quote(s.Mount), `a mount path like "transit"`)
	}
	return s, nil
}

// String implements starlark.Value.
func (s *Transit) String() string { return fmt.Sprintf("<signer transit %s at %s>", s.Key, s.URL) }

// Type implements starlark.Value.
func (s *Transit) Type() string { return "signer" }

// Freeze implements starlark.Value.
func (s *Transit) Freeze() {}

// Truth implements starlark.Value.
func (s *Transit) Truth() starlark.Bool { return starlark.True }

// Hash implements starlark.Value.
func (s *Transit) Hash() (uint32, error) { return starlark.String(s.URL + " " + s.Key).Hash() }

// transitTokenPath is where a transit token is mounted in a signing step.
const transitTokenPath = "/run/secrets/cairn-transit-token"

// request is the helper's view of the signer, and the token's mount.
func (s *Transit) request() (*request.Transit, llb.RunOption) {
	return &request.Transit{Addr: s.URL, Mount: s.Mount, Key: s.Key, Token: transitTokenPath}, secretMount(transitTokenPath, s.Token)
}
