package stdlib

import (
	"fmt"

	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

// `cairn vm --login` logs in with a key cairn generates on the developer's
// machine, so nobody writes a key into a recipe or a password into an
// image. The recipe asks for it where it wants it (a development target,
// not the release one): vm_ssh_key() is root's authorized_keys with that
// public key. The key reaches the graph as the named context
// VMSSHKeyContext, which the CLI serves when the recipe calls
// vm_ssh_key(); other BuildKit clients pass it as any context. The image
// then depends on whose key it is: the same machine builds the same bytes.

// VMSSHKeyContext is the named context vm_ssh_key() reads: a directory
// holding authorized_keys.
const VMSSHKeyContext = "cairn-vm-ssh"

var vmSSHKeyBuiltin = Builtin{
	Name:    "vm_ssh_key",
	Summary: "root's authorized_keys with the key `cairn vm --login` logs in with, generated on this machine.",
	Returns: "artifact",
	Doc: "The tree `root/.ssh/authorized_keys` (0600, directories 0700, owned by 0:0) holding the public half of the key " +
		"cairn generates once per machine in its home (`$CAIRN_HOME/vm-ssh`, default `~/.cache/cairn/vm-ssh`). Add it to " +
		"a development image's root filesystem (`rootfs(files = [vm_ssh_key()])`) and `cairn vm --login TARGET` logs in as " +
		"root over the forwarded port. The image then carries that machine's key: keep it out of release targets. " +
		"The key is served as the named context `" + VMSSHKeyContext + "`, which `cairn build` provides by itself; other " +
		"BuildKit clients pass a directory with an `authorized_keys` file as that context.",
	Example: `target("dev", pc_x86_64.image(rootfs = rootfs(repos = REPOS, packages = ["openssh-server"], files = [vm_ssh_key()]), repos = REPOS))`,
	fn:      vmSSHKeyFn,
}

type vmSSHKeyNode struct{ at }

func vmSSHKeyFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	if err := starlark.UnpackArgs(b.Name(), args, kwargs); err != nil {
		return nil, err
	}
	st, err := stateOf(t)
	if err != nil {
		return nil, err
	}
	st.vmSSHKey = true
	return newArtifact(&vmSSHKeyNode{at{callPos(t)}}, "vm_ssh_key()"), nil
}

func (n *vmSSHKeyNode) compile(c *Compiler) (llb.State, error) {
	key, ok := c.opts.Contexts[VMSSHKeyContext]
	switch {
	case ok:
	case c.opts.AnyContext:
		key = ContextLocal(VMSSHKeyContext)
	default:
		return llb.State{}, errAt(n.p, "vm_ssh_key", fmt.Errorf("this build was not given the key: cairn build provides it; other clients pass a directory holding authorized_keys as the named context %q", VMSSHKeyContext))
	}
	fa := llb.Mkdir("/root", 0o700, c.created(), rootOwner()).
		Mkdir("/root/.ssh", 0o700, c.created(), rootOwner()).
		Copy(key, "/authorized_keys", "/root/.ssh/authorized_keys", &llb.CopyInfo{ChownOpt: rootOwner(), Mode: &llb.ChmodOpt{Mode: 0o600}}, c.created())
	return llb.Scratch().File(fa, llb.WithCustomName("vm_ssh_key"), c.loc(n.p)), nil
}

// UsesVMSSHKey says whether the recipe called vm_ssh_key(), so the CLI
// knows to provide the key.
func (r *Recipe) UsesVMSSHKey() bool { return r.vmSSHKey }
