package stdlib

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"go.starlark.net/starlark"
)

var packageFilesBuiltin = Builtin{
	Name:    "package_files",
	Summary: "The files of some packages, unpacked but not installed: kernels, firmware, boot loaders.",
	Params: []Param{
		{Name: "repos", Type: "list of repo", Doc: "repositories to take the packages from (see `repo.deb`)"},
		{Name: "packages", Type: "list of string", Doc: `package names, "name=version" pins a version`},
		{Name: "follow", Type: "list of string", Default: "[]", Doc: `shell patterns of dependencies to take as well, e.g. ["linux-image-*"] to go from the metapackage linux-image-arm64 to the kernel it depends on; no other dependency is taken`},
		{Name: "arch", Type: "string", Default: "the build's platform", Doc: `Debian architecture or platform, as in rootfs()`},
		{Name: "merged_usr", Type: "bool", Default: "True", Doc: "move /bin, /sbin and /lib contents under /usr, as rootfs() does"},
	},
	Returns: "artifact: the packages' trees merged (no maintainer scripts run, no dpkg database)",
	Doc: "Resolved and locked like rootfs() (variant \"files\" in `cairn.lock`), fetched pinned by SHA-256 and " +
		"unpacked by cairn's helper into one layer per package, shared with rootfs() builds that use the same " +
		"package. Use it where a system would be too much: the kernel image and modules for an initramfs or a boot " +
		"partition, Raspberry Pi firmware, `isolinux.bin`, `systemd-bootx64.efi`.",
	Example: `kernel = package_files(repos = [debian], packages = ["linux-image-arm64"], follow = ["linux-image-*"], arch = "arm64")`,
	fn:      packageFilesFn,
}

type packageFilesNode struct {
	rootfsNode
}

func packageFilesFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var repos *starlark.List
	packages, follow := stringList{}, stringList{}
	mergedUsr := true
	var archV starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "repos", &repos, "packages", &packages,
		"follow?", &follow, "arch?", &archV, "merged_usr?", &mergedUsr); err != nil {
		return nil, err
	}
	n := &packageFilesNode{rootfsNode{at: at{callPos(t)}, call: "package_files", packages: packages.v, variant: "files", mergedUsr: mergedUsr, follow: follow.v}}
	if err := n.setRepos(repos); err != nil {
		return nil, err
	}
	if len(n.packages) == 0 {
		return nil, errParam("package_files", "packages", "[]", `at least one package, e.g. ["linux-image-arm64"]`)
	}
	if err := checkPackageNames("package_files", n.packages); err != nil {
		return nil, err
	}
	if err := n.setArch(archV); err != nil {
		return nil, err
	}
	return newArtifact(n, "package_files("+strings.Join(n.packages, " ")+")"), nil
}

func (n *packageFilesNode) compile(c *Compiler) (llb.State, error) {
	arch := n.arch
	if arch == "" {
		a, err := debArchOf(c.platform)
		if err != nil {
			return llb.State{}, errAt(n.p, n.call, err)
		}
		arch = a
	}
	set, err := c.packageSet(&n.rootfsNode, arch)
	if err != nil {
		return llb.State{}, err
	}
	layers, err := c.debLayers(&n.rootfsNode, byName(set.Packages))
	if err != nil {
		return llb.State{}, err
	}
	if len(layers) == 1 {
		return layers[0], nil
	}
	return llb.Merge(layers, llb.WithCustomName(fmt.Sprintf("merge files of %s (%s)", names(set.Packages), arch)), c.loc(n.p)), nil
}
