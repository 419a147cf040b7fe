package stdlib

import (
	"fmt"

	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

var sshAgentBuiltin = Builtin{
	Name:    "ssh_agent",
	Summary: "The SSH agent forwarded with `--ssh ID`, as a socket a run() step can mount.",
	Params: []Param{
		{Name: "id", Type: "string", Default: `"default"`, Doc: "the agent's id, as given to --ssh ID[=PATH]"},
		{Name: "required", Type: "bool", Default: "True", Doc: "fail the step when the build was not given the agent"},
	},
	Returns: "ssh_agent",
	Doc: "Mount it in `run(mounts = {\"/run/ssh-agent.sock\": ssh_agent()}, env = {\"SSH_AUTH_SOCK\": \"/run/ssh-agent.sock\"})`: " +
		"the step can use the keys without ever seeing them; nothing of the agent enters the graph or the cache.",
	Example: `run("git clone git@example.invalid:team/repo.git /out/repo", rootfs = base, mounts = {"/run/ssh.sock": ssh_agent()}, env = {"SSH_AUTH_SOCK": "/run/ssh.sock"}, network = True, output = "/out")`,
	fn:      sshAgentFn,
}

// SSHAgent is the Starlark value ssh_agent() returns.
type SSHAgent struct {
	at
	ID       string
	Required bool
}

func sshAgentFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	s := &SSHAgent{at: at{callPos(t)}, ID: "default", Required: true}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "id?", &s.ID, "required?", &s.Required); err != nil {
		return nil, err
	}
	if !secretID.MatchString(s.ID) {
		return nil, errParam("ssh_agent", "id", quote(s.ID), `a name like "default"`)
	}
	return s, nil
}

// String implements starlark.Value.
func (s *SSHAgent) String() string { return fmt.Sprintf("<ssh_agent %s>", s.ID) }

// Type implements starlark.Value.
func (s *SSHAgent) Type() string { return "ssh_agent" }

// Freeze implements starlark.Value.
func (s *SSHAgent) Freeze() {}

// Truth implements starlark.Value.
func (s *SSHAgent) Truth() starlark.Bool { return starlark.True }

// Hash implements starlark.Value.
func (s *SSHAgent) Hash() (uint32, error) { return starlark.String(s.ID).Hash() }

// sshMount mounts the agent's socket at dest.
func sshMount(dest string, s *SSHAgent) llb.RunOption {
	opts := []llb.SSHOption{llb.SSHID(s.ID), llb.SSHSocketTarget(dest)}
	if !s.Required {
		opts = append(opts, llb.SSHOptional)
	}
	return llb.AddSSHSocket(opts...)
}
