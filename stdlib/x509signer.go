package stdlib

import (
	"fmt"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"go.starlark.net/starlark"
)

// x509Signer is an RSA key and its X.509 certificate, as efi_sign() and
// kernel_module() take them: the key a secret, a transit key or an SSH
// agent's key (one of key, transit, agent is set), the certificate a
// project file or an artifact holding one.
type x509Signer struct {
	at
	key     *Secret
	transit *Transit
	agent   *SSHAgent
	cert    *Artifact
}

// x509SignerArg reads fn's key and cert parameters; both None is no
// signer, one without the other an error.
func x509SignerArg(t *starlark.Thread, pos at, fn string, key, cert starlark.Value) (*x509Signer, error) {
	return x509SignerParams(t, pos, fn, "key", key, "cert", cert)
}

// x509SignerParams is x509SignerArg for parameters of other names.
func x509SignerParams(t *starlark.Thread, pos at, fn, keyName string, key starlark.Value, certName string, cert starlark.Value) (*x509Signer, error) {
	if key == starlark.None && cert == starlark.None {
		return nil, nil
	}
	if key == starlark.None || cert == starlark.None {
		return nil, errAt(pos.p, fn, fmt.Errorf("give %s and %s together: the key signs, the certificate names it to the verifier", keyName, certName))
	}
	s := &x509Signer{at: pos}
	switch k := key.(type) {
	case *Secret:
		s.key = k
	case *Transit:
		s.transit = k
	case *SSHAgent:
		s.agent = k
	default:
		return nil, errParam(fn, keyName, key.Type(), `a secret("ID") holding the key, a signer.transit(...), or an ssh_agent("ID") holding it`)
	}
	var err error
	if s.cert, _, err = oneFile(t, pos, fn, certName, cert, "a certificate file: a project path or an artifact holding one file"); err != nil {
		return nil, err
	}
	return s, nil
}

// x509KeyPath is where a signing key secret is mounted in the step;
// x509AgentPath where an ssh agent's socket is.
const (
	x509KeyPath   = "/run/secrets/cairn-efi-signing-key"
	x509AgentPath = "/run/cairn/ssh-agent.sock"
)

// mount fills req for the signer, with the certificate at certPath, and
// returns the signing step's mounts, network and name (what, and the
// signer when it is not a key secret).
func (s *x509Signer) mount(c *Compiler, req *request.Signer, certPath, what string) ([]llb.RunOption, error) {
	cert, err := c.State(s.cert)
	if err != nil {
		return nil, err
	}
	req.Cert = certPath
	opts := []llb.RunOption{llb.AddMount(certPath, cert, llb.SourcePath("/"+s.cert.File()), llb.Readonly)}
	switch {
	case s.transit != nil:
		// The one signing step with a network: it reaches the service.
		var token llb.RunOption
		req.Transit, token = s.transit.request()
		req.Secret = s.transit.Token.ID
		return append(opts, token, llb.WithCustomName(fmt.Sprintf("%s (transit key %s)", what, s.transit.Key))), nil
	case s.agent != nil:
		// The agent comes through the session: no network, no key.
		req.Agent = &request.Agent{Socket: x509AgentPath, ID: s.agent.ID}
		return append(opts, sshMount(x509AgentPath, s.agent), llb.Network(pb.NetMode_NONE),
			llb.WithCustomName(fmt.Sprintf("%s (ssh agent %s)", what, s.agent.ID))), nil
	}
	req.Key, req.Secret = x509KeyPath, s.key.ID
	return append(opts, secretMount(x509KeyPath, s.key), llb.Network(pb.NetMode_NONE), llb.WithCustomName(what)), nil
}
