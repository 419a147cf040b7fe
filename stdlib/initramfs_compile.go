package stdlib

import (
	"fmt"
	"os"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
)

func (n *initramfsNode) compile(c *Compiler) (llb.State, error) {
	layers := []llb.State{n.base(c)}
	steps := []func(*Compiler) (llb.State, bool, error){n.picked, n.moduleTree}
	for _, step := range steps {
		st, ok, err := step(c)
		if err != nil {
			return llb.State{}, err
		}
		if ok {
			layers = append(layers, st)
		}
	}
	for _, t := range n.trees {
		st, err := c.State(t)
		if err != nil {
			return llb.State{}, err
		}
		layers = append(layers, st)
	}
	st, ok, err := n.initFile(c)
	if err != nil {
		return llb.State{}, err
	}
	if ok {
		layers = append(layers, st)
	}
	tree := llb.Merge(layers, llb.WithCustomName("initramfs tree "+n.name), c.loc(n.p))
	return n.pack(c, tree)
}

// base is the skeleton every initramfs starts from.
func (n *initramfsNode) base(c *Compiler) llb.State {
	var fa actions
	for _, d := range []string{"/usr/bin", "/usr/sbin", "/usr/lib", "/dev", "/proc", "/sys", "/run", "/tmp"} {
		fa.mkdir(d, 0o755, llb.WithParents(true), c.created(), rootOwner())
	}
	for _, d := range []string{"bin", "sbin", "lib"} {
		fa.fa = fa.fa.Symlink("usr/"+d, "/"+d, llb.WithCreatedTime(c.epochTime()))
	}
	return llb.Scratch().File(fa.fa, llb.WithCustomName("initramfs skeleton"))
}

// picked copies the string entries of files from rootfs. The copy is keyed
// by the content of those paths, not by the whole rootfs.
func (n *initramfsNode) picked(c *Compiler) (llb.State, bool, error) {
	if len(n.paths) == 0 {
		return llb.State{}, false, nil
	}
	root, err := c.State(n.rootfs)
	if err != nil {
		return llb.State{}, false, err
	}
	var fa actions
	for _, p := range n.paths {
		fa.copy(root, p, p, &llb.CopyInfo{CreateDestPath: true, FollowSymlinks: true, AllowWildcard: true,
			AllowEmptyWildcard: false, ChownOpt: rootOwner()}, c.created())
	}
	st := llb.Scratch().File(fa.fa, llb.WithCustomName("initramfs pick "+strings.Join(n.paths, " ")), c.loc(n.p))
	return st, true, nil
}

// moduleTree runs the helper's kmods on the kernel's module directory and
// firmware, mounted by path so the step's key is their content alone.
func (n *initramfsNode) moduleTree(c *Compiler) (llb.State, bool, error) {
	if len(n.modules) == 0 {
		return llb.State{}, false, nil
	}
	k := n.kernel
	if k == nil {
		k = n.rootfs
	}
	kernel, err := c.State(k)
	if err != nil {
		return llb.State{}, false, err
	}
	root, err := c.helperState("initramfs")
	if err != nil {
		return llb.State{}, false, errAt(n.p, "", err)
	}
	// The bracket makes the path a pattern, so a kernel tree without
	// firmware copies nothing instead of failing.
	firmware := llb.Scratch().File(llb.Mkdir("/firmware", 0o755, c.created()).Copy(kernel, "/usr/lib/firmwar[e]", "/firmware", &llb.CopyInfo{
		AllowWildcard: true, AllowEmptyWildcard: true, CopyDirContentsOnly: true}),
		llb.WithCustomName("initramfs firmware"), c.loc(n.p))
	args, err := request.Args(helperPath, request.Kmods{Root: "/k", Out: "/out", Epoch: c.epoch, Modules: n.modules})
	if err != nil {
		return llb.State{}, false, errAt(n.p, "", err)
	}
	es := root.Run(llb.Args(args),
		llb.AddMount("/k/usr/lib/modules", kernel, llb.SourcePath("/usr/lib/modules"), llb.Readonly),
		llb.AddMount("/k/usr/lib/firmware", firmware, llb.SourcePath("/firmware"), llb.Readonly),
		llb.Network(pb.NetMode_NONE), llb.Platform(c.helper.Platform),
		llb.WithCustomName("initramfs modules "+strings.Join(n.modules, " ")), c.loc(n.p))
	return es.AddMount("/out", llb.Scratch()), true, nil
}

// initFile is /init: the given file, or a link to a path inside.
func (n *initramfsNode) initFile(c *Compiler) (llb.State, bool, error) {
	if n.initLink != "" {
		return llb.Scratch().File(llb.Symlink(n.initLink, "/init", llb.WithCreatedTime(c.epochTime()))), true, nil
	}
	if n.init == nil {
		return llb.State{}, false, nil
	}
	st, err := c.State(n.init)
	if err != nil {
		return llb.State{}, false, err
	}
	mode := llb.ChmodOpt{Mode: os.FileMode(0o755)}
	return llb.Scratch().File(llb.Copy(st, "/"+n.init.File(), "/init", &llb.CopyInfo{Mode: &mode, ChownOpt: rootOwner()}, c.created()),
		llb.WithCustomName("initramfs /init")), true, nil
}

// pack writes the tree as the compressed cpio archive.
func (n *initramfsNode) pack(c *Compiler, tree llb.State) (llb.State, error) {
	root, err := c.helperState("initramfs")
	if err != nil {
		return llb.State{}, errAt(n.p, "", err)
	}
	args, err := request.Args(helperPath, request.Cpio{Src: "/src", Out: "/out/" + n.name, Epoch: c.epoch, Compress: n.compression})
	if err != nil {
		return llb.State{}, errAt(n.p, "", err)
	}
	es := root.Run(llb.Args(args), llb.AddMount("/src", tree, llb.Readonly), llb.Network(pb.NetMode_NONE),
		llb.Platform(c.helper.Platform), llb.WithCustomName(fmt.Sprintf("initramfs %s (%s)", n.name, n.compression)), c.loc(n.p))
	return es.AddMount("/out", llb.Scratch()), nil
}
