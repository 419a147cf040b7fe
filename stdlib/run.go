package stdlib

import (
	"fmt"
	"sort"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"go.starlark.net/starlark"
)

var runBuiltin = Builtin{
	Name:    "run",
	Summary: "An exec step: run a command in a root filesystem, inside BuildKit.",
	Params: []Param{
		{Name: "cmd", Type: "string | list of string", Doc: `argv; a string runs as ["/bin/sh", "-c", cmd]`},
		{Name: "rootfs", Type: "artifact", Default: "scratch()", Doc: "the root filesystem the command runs in (it must contain the program)"},
		{Name: "mounts", Type: "dict of string to artifact, secret or ssh_agent", Default: "{}", Doc: "absolute mount point to artifact, mounted read-only; to secret(), mounted as a file for this step only; or to ssh_agent(), the forwarded agent's socket"},
		{Name: "env", Type: "dict of string to string", Default: "{}", Doc: "environment; SOURCE_DATE_EPOCH is always set, PATH defaults to the usual Unix one"},
		{Name: "workdir", Type: "string", Default: `"/"`, Doc: "absolute working directory"},
		{Name: "network", Type: "bool", Default: "False", Doc: "allow network access; off by default so steps cannot depend on the outside world"},
		{Name: "platform", Type: "string", Default: "the build's platform", Doc: `run for this platform, e.g. "linux/arm64" (foreign platforms run under qemu-user)`},
		{Name: "output", Type: "string", Default: "None", Doc: "absolute path of an empty directory mounted for the command to write; when set, the artifact is that directory instead of the root filesystem"},
	},
	Returns: "artifact: the root filesystem after the command, or the `output` directory",
	Doc: "The step is cached by BuildKit on its inputs. A failing command fails the build with the recipe " +
		"line of this call and the tail of the command's output.",
	Example: `out = run(["/bin/hello", "/out/greeting"], rootfs = tools, output = "/out")`,
	fn:      runFn,
}

type mountEntry struct {
	dest   string
	src    *Artifact
	secret *Secret   // instead of src: a secret file
	ssh    *SSHAgent // instead of src: an SSH agent socket
}

type runNode struct {
	at
	args     []string
	rootfs   *Artifact
	mounts   []mountEntry
	env      []string // sorted KEY=VALUE
	workdir  string
	network  bool
	platform *ocispecs.Platform
	output   string
}

func runFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var cmd starlark.Value
	var rootfs artifactArg = artifactArg{}
	var mounts, env *starlark.Dict
	workdir := absPath{v: "/"}
	output := absPath{}
	plat := platformArg{}
	var network bool
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "cmd", &cmd, "rootfs?", &rootfs,
		"mounts?", &mounts, "env?", &env, "workdir?", &workdir, "network?", &network,
		"platform?", &plat, "output?", &output); err != nil {
		return nil, err
	}
	if output.v == "/" {
		return nil, errParam("run", "output", `"/"`, "a directory other than / (without output, the result is the root filesystem)")
	}
	n := &runNode{at: at{callPos(t)}, rootfs: rootfs.v, workdir: workdir.v, network: network, platform: plat.v, output: output.v}
	var err error
	if n.args, err = argv(cmd); err != nil {
		return nil, err
	}
	if n.mounts, err = mountsOf(mounts, n.output); err != nil {
		return nil, err
	}
	if n.env, err = envOf("run", env); err != nil {
		return nil, err
	}
	return newArtifact(n, "run("+quote(strings.Join(n.args, " "))+")"), nil
}

func argv(cmd starlark.Value) ([]string, error) {
	if s, ok := cmd.(starlark.String); ok {
		return []string{"/bin/sh", "-c", string(s)}, nil
	}
	l := stringList{}
	if err := unpackIn("run", "cmd", &l, cmd); err != nil {
		return nil, err
	}
	if len(l.v) == 0 {
		return nil, errParam("run", "cmd", "[]", "a non-empty argv")
	}
	return l.v, nil
}

func mountsOf(d *starlark.Dict, output string) ([]mountEntry, error) {
	if d == nil {
		return nil, nil
	}
	keys, vals, err := sortedItems("run", "mounts", d)
	if err != nil {
		return nil, err
	}
	out := make([]mountEntry, len(keys))
	for i, k := range keys {
		dest := absPath{}
		if err := unpackIn("run", "mounts", &dest, starlark.String(k)); err != nil {
			return nil, err
		}
		if dest.v == "/" || dest.v == output {
			return nil, errParam("run", "mounts", quote(k), "a mount point other than / and the output directory")
		}
		if s, ok := vals[i].(*Secret); ok {
			out[i] = mountEntry{dest: dest.v, secret: s}
			continue
		}
		if a, ok := vals[i].(*SSHAgent); ok {
			out[i] = mountEntry{dest: dest.v, ssh: a}
			continue
		}
		src, ok := vals[i].(*Artifact)
		if !ok {
			return nil, errParam("run", "mounts["+quote(k)+"]", vals[i].Type(), "an artifact, a secret() or an ssh_agent()")
		}
		out[i] = mountEntry{dest: dest.v, src: src}
	}
	return out, nil
}

// envOf is fn's env dict as sorted NAME=VALUE entries.
func envOf(fn string, d *starlark.Dict) ([]string, error) {
	m, err := stringMap(fn, "env", d, "NAME: string pairs")
	if err != nil || len(m) == 0 {
		return nil, err
	}
	out := make([]string, 0, len(m))
	for k, v := range m {
		if strings.Contains(k, "=") {
			return nil, errParam(fn, "env", quote(k)+": string", "NAME: string pairs")
		}
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out, nil
}

// stringMap is a dict of non-empty string keys to strings.
func stringMap(fn, param string, d *starlark.Dict, want string) (map[string]string, error) {
	if d == nil {
		return nil, nil
	}
	keys, vals, err := sortedItems(fn, param, d)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(keys))
	for i, k := range keys {
		v, ok := starlark.AsString(vals[i])
		if !ok || k == "" {
			return nil, errParam(fn, param, fmt.Sprintf("%s: %s", quote(k), vals[i].Type()), want)
		}
		out[k] = v
	}
	return out, nil
}

func (n *runNode) compile(c *Compiler) (llb.State, error) {
	root := llb.Scratch()
	if n.rootfs != nil {
		var err error
		if root, err = c.State(n.rootfs); err != nil {
			return llb.State{}, err
		}
	}
	opts, err := n.runOptions(c)
	if err != nil {
		return llb.State{}, err
	}
	es := root.Run(opts...)
	if n.output != "" {
		return es.GetMount(n.output), nil
	}
	return es.Root(), nil
}

func (n *runNode) runOptions(c *Compiler) ([]llb.RunOption, error) {
	opts := []llb.RunOption{
		llb.Args(n.args), llb.Dir(n.workdir),
		llb.AddEnv("SOURCE_DATE_EPOCH", fmt.Sprint(c.epoch)),
		llb.WithCustomName("run " + strings.Join(n.args, " ")),
		c.loc(n.p),
	}
	for _, kv := range n.env {
		k, v, _ := strings.Cut(kv, "=")
		opts = append(opts, llb.AddEnv(k, v))
	}
	if !n.network {
		opts = append(opts, llb.Network(pb.NetMode_NONE))
	}
	if n.platform != nil {
		opts = append(opts, llb.Platform(*n.platform))
	}
	for _, m := range n.mounts {
		if m.secret != nil {
			opts = append(opts, secretMount(m.dest, m.secret))
			continue
		}
		if m.ssh != nil {
			opts = append(opts, sshMount(m.dest, m.ssh))
			continue
		}
		st, err := c.State(m.src)
		if err != nil {
			return nil, err
		}
		opts = append(opts, llb.AddMount(m.dest, st, llb.Readonly))
	}
	if n.output != "" {
		opts = append(opts, llb.AddMount(n.output, llb.Scratch()))
	}
	return opts, nil
}
