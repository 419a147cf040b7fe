package stdlib

import (
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

var rootfsBuiltin = Builtin{
	Name:    "rootfs",
	Summary: "A root filesystem installed from package repositories, inside BuildKit.",
	Params: []Param{
		{Name: "repos", Type: "list of repo", Doc: "repositories to install from (see `repo.deb`); a package's candidate is its highest version among them"},
		{Name: "packages", Type: "list of string", Default: "[]", Doc: `packages to install besides the variant's base set; "name=version" pins a version`},
		{Name: "variant", Type: "string", Default: `"minbase"`, Doc: `base set, as mmdebstrap names them: "none" (only packages), "essential" (Essential: yes), "minbase"/"required" (plus Priority: required and apt), "important", "standard"`},
		{Name: "arch", Type: "string", Default: "the build's platform", Doc: `Debian architecture ("amd64", "arm64", "armhf", ...) or platform ("linux/arm64")`},
		{Name: "merged_usr", Type: "bool", Default: "True", Doc: "install with /bin, /sbin and /lib as symlinks into /usr, as Debian does since bookworm"},
		{Name: "files", Type: "list of artifact", Default: "[]", Doc: "trees laid over the configured system, in order"},
		{Name: "run", Type: "list of string", Default: "[]", Doc: "shell commands run inside the system after `files` and `users`, without network"},
		{Name: "users", Type: "list of user", Default: "[]", Doc: "accounts to make or change (see `user`), after `files` and before `run`; `/etc/shadow` is deterministic"},
	},
	Returns: "artifact: the configured root filesystem",
	Doc: "The package set is resolved at evaluation time (from `cairn.lock` when it covers the request, else from the " +
		"repositories' signed indexes). Every package file is a download pinned by SHA-256, unpacked by cairn's helper " +
		"into its own layer; the layers are merged and a configure step runs the maintainer scripts (`preinst install` in " +
		"dependency order, then `dpkg --configure -a`) without network, foreign architectures under qemu-user. " +
		"The packages the recipe names are unpacked and configured on top of the configured variant (the base, shared " +
		"by every rootfs of that variant and architecture), so adding one redoes that second stage only; the split is " +
		"recorded in `cairn.lock`, and a cold build takes the same two stages. `dpkg -l` in the result lists exactly the " +
		"resolved set.",
	Example: `base = rootfs(repos = [debian], packages = ["openssh-server"], arch = "arm64")`,
	fn:      rootfsFn,
}

var variants = []string{"none", "essential", "minbase", "required", "important", "standard"}

type rootfsNode struct {
	at
	call      string // the builtin that made it, "rootfs" or "package_files", for messages
	repos     []pkgs.RepoSpec
	packages  []string
	variant   string
	arch      string // "" = the build platform's
	mergedUsr bool
	files     []*Artifact
	run       []string
	users     []*User
	follow    []string             // variant "files" only
	depends   []string             // dependency clauses to satisfy too (a build root's build dependencies)
	host      string               // a cross build root's host architecture (see pkgs.Request.HostArch)
	trees     map[string]*Artifact // repositories built by the recipe, by name (apt_repo())
}

func rootfsFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var repos *starlark.List
	var files, users *starlark.List
	packages, run := stringList{}, stringList{}
	variant, mergedUsr := "minbase", true
	var archV starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "repos", &repos, "packages?", &packages,
		"variant?", &variant, "arch?", &archV, "merged_usr?", &mergedUsr, "files?", &files, "run?", &run, "users?", &users); err != nil {
		return nil, err
	}
	n := &rootfsNode{at: at{callPos(t)}, call: "rootfs", packages: packages.v, variant: variant, mergedUsr: mergedUsr, run: run.v}
	if err := n.setRepos(repos); err != nil {
		return nil, err
	}
	if err := n.check(); err != nil {
		return nil, err
	}
	if err := n.setArch(archV); err != nil {
		return nil, err
	}
	var err error
	if n.files, err = artifactList("rootfs", "files", files); err != nil {
		return nil, err
	}
	if n.users, err = userList(users); err != nil {
		return nil, err
	}
	return newArtifact(n, "rootfs("+strings.Join(n.packages, " ")+")"), nil
}

// setArch takes the arch= argument: None for the build's platform, else
// a Debian architecture or a platform.
func (n *rootfsNode) setArch(v starlark.Value) error {
	if v == starlark.None {
		return nil
	}
	arch, _ := starlark.AsString(v)
	a, err := debArch(arch)
	if err != nil {
		return errParam(n.call, "arch", repr(v), err.Error())
	}
	n.arch = a
	return nil
}

func (n *rootfsNode) setRepos(l *starlark.List) error {
	if l == nil || l.Len() == 0 {
		return errParam(n.call, "repos", "[]", "at least one repo, e.g. [repo.deb(suite = \"bookworm\")]")
	}
	for i := 0; i < l.Len(); i++ {
		r := repoArg{}
		if err := unpackIn(n.call, "repos", &r, l.Index(i)); err != nil {
			return err
		}
		n.repos = append(n.repos, r.v.spec)
		if r.v.tree != nil {
			if n.trees == nil {
				n.trees = map[string]*Artifact{}
			}
			n.trees[r.v.spec.Name] = r.v.tree
		}
	}
	return nil
}

func (n *rootfsNode) check() error {
	if !contains(variants, n.variant) {
		return errParam("rootfs", "variant", quote(n.variant), "one of "+strings.Join(quoteAll(variants), ", "))
	}
	if n.variant == "none" && len(n.packages) == 0 {
		return errParam("rootfs", "packages", "[]", `at least one package when variant = "none"`)
	}
	return checkPackageNames("rootfs", n.packages)
}

func checkPackageNames(fn string, packages []string) error {
	for _, p := range packages {
		if p == "" || strings.ContainsAny(p, " ,|()") {
			return errParam(fn, "packages", quote(p), `package names like "openssh-server" or "bash=5.2.15-2+b2"`)
		}
	}
	return nil
}

func artifactList(fn, param string, l *starlark.List) ([]*Artifact, error) {
	if l == nil {
		return nil, nil
	}
	out := make([]*Artifact, 0, l.Len())
	for i := 0; i < l.Len(); i++ {
		a := artifactArg{}
		if err := unpackIn(fn, param, &a, l.Index(i)); err != nil {
			return nil, err
		}
		out = append(out, a.v)
	}
	return out, nil
}

// request is what this node asks of the package source when built for arch.
func (n *rootfsNode) request(arch string) pkgs.Request {
	return pkgs.Request{Repos: n.repos, Packages: n.packages, Variant: n.variant, Follow: n.follow, Arch: arch,
		Depends: n.depends, HostArch: n.host, Pos: n.p.String(), Call: n.call}
}

func (n *rootfsNode) compile(c *Compiler) (llb.State, error) {
	arch := n.arch
	if arch == "" {
		a, err := debArchOf(c.platform)
		if err != nil {
			return llb.State{}, errAt(n.p, n.call, err)
		}
		arch = a
	}
	set, err := c.packageSet(n, arch)
	if err != nil {
		return llb.State{}, err
	}
	root, err := c.installed(n, arch, set)
	if err != nil {
		return llb.State{}, err
	}
	return n.customize(c, root, arch)
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func quoteAll(l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = quote(s)
	}
	return out
}
