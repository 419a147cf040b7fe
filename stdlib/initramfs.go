package stdlib

import (
	"fmt"
	"path"
	"strings"

	"go.starlark.net/starlark"
)

var initramfsBuiltin = Builtin{
	Name:    "initramfs",
	Summary: "A reproducible initramfs (newc cpio, compressed) from picked files, kernel modules and an init.",
	Params: []Param{
		{Name: "files", Type: "list of artifact or string", Default: "[]", Doc: `trees laid over the initramfs, and absolute paths (globs allowed) copied from rootfs, e.g. "/usr/bin/busybox"`},
		{Name: "rootfs", Type: "artifact", Default: "None", Doc: "the system string entries of files are copied from"},
		{Name: "kernel", Type: "artifact", Default: "rootfs", Doc: "tree holding the kernel's modules under /usr/lib/modules/VERSION (package_files() or rootfs() of a linux-image package) and any firmware under /usr/lib/firmware"},
		{Name: "modules", Type: "list of string", Default: "[]", Doc: "module names; their modules.dep closure, softdeps and firmware are included, with /usr/lib/modules/VERSION/cairn.load listing them in load order"},
		{Name: "init", Type: "artifact or string", Default: "None", Doc: "an artifact holding one file, installed as /init (mode 0755), or the absolute path inside the initramfs that /init links to"},
		{Name: "compression", Type: "string", Default: `"zstd"`, Doc: `"zstd", "gzip", "xz" or "none"`},
		{Name: "name", Type: "string", Default: `"initrd.img"`, Doc: "file name of the result"},
	},
	Returns: "artifact holding one file",
	Doc: "The archive is built in steps keyed by what goes in: picking files from rootfs and selecting modules " +
		"are keyed by the content of those paths, so a package change elsewhere in rootfs finds every step cached. " +
		"Entries are sorted, owned by 0:0, stamped with SOURCE_DATE_EPOCH, inodes numbered in order. The tree starts " +
		"from Debian's merged /usr links (/bin, /sbin, /lib) and empty /dev, /proc, /sys, /run and /tmp.",
	Example: `initrd = initramfs(rootfs = base, files = ["/usr/bin/busybox"], kernel = kernel, modules = ["virtio_blk", "ext4"], init = local("init.sh"))`,
	fn:      initramfsFn,
}

var initrdCompressions = []string{"zstd", "gzip", "xz", "none"}

type initramfsNode struct {
	at
	trees                []*Artifact
	paths                []string
	rootfs, kernel, init *Artifact
	initLink             string
	modules              []string
	compression, name    string
}

func initramfsFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	n := &initramfsNode{at: at{callPos(t)}, compression: "zstd", name: "initrd.img"}
	var files *starlark.List
	var rootfs, kernel, init starlark.Value = starlark.None, starlark.None, starlark.None
	modules := stringList{}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "files?", &files, "rootfs?", &rootfs, "kernel?", &kernel,
		"modules?", &modules, "init?", &init, "compression?", &n.compression, "name?", &n.name); err != nil {
		return nil, err
	}
	n.modules = modules.v
	var err error
	if n.rootfs, err = optArtifact("rootfs", rootfs); err != nil {
		return nil, err
	}
	if n.kernel, err = optArtifact("kernel", kernel); err != nil {
		return nil, err
	}
	if err := n.setFiles(files); err != nil {
		return nil, err
	}
	if err := n.setInit(init); err != nil {
		return nil, err
	}
	return newFileArtifact(n, fmt.Sprintf("initramfs(%q)", n.name), n.name), n.check()
}

func optArtifact(param string, v starlark.Value) (*Artifact, error) {
	if v == starlark.None {
		return nil, nil
	}
	a := artifactArg{}
	err := unpackIn("initramfs", param, &a, v)
	return a.v, err
}

func (n *initramfsNode) setFiles(l *starlark.List) error {
	for i := 0; l != nil && i < l.Len(); i++ {
		switch v := l.Index(i).(type) {
		case *Artifact:
			n.trees = append(n.trees, v)
		case starlark.String:
			p := string(v)
			if !path.IsAbs(p) || strings.Contains(p, "..") {
				return errParam("initramfs", "files", quote(p), `an absolute path inside rootfs like "/usr/bin/busybox"`)
			}
			n.paths = append(n.paths, path.Clean(p))
		default:
			return errParam("initramfs", "files", "a list holding "+v.Type(), "artifacts and absolute paths")
		}
	}
	return nil
}

func (n *initramfsNode) setInit(v starlark.Value) error {
	switch v := v.(type) {
	case starlark.NoneType:
	case *Artifact:
		if v.File() == "" {
			return errParam("initramfs", "init", v.String(), "an artifact holding one file, or a path string")
		}
		n.init = v
	case starlark.String:
		if !path.IsAbs(string(v)) {
			return errParam("initramfs", "init", quote(string(v)), `an absolute path like "/usr/bin/busybox"`)
		}
		n.initLink = string(v)
	default:
		return errParam("initramfs", "init", v.Type(), "an artifact holding one file, or a path string")
	}
	return nil
}

func (n *initramfsNode) check() error {
	switch {
	case !contains(initrdCompressions, n.compression):
		return errParam("initramfs", "compression", quote(n.compression), strings.Join(quoteAll(initrdCompressions), ", "))
	case n.name == "" || strings.Contains(n.name, "/"):
		return errParam("initramfs", "name", quote(n.name), `a file name without "/"`)
	case len(n.paths) > 0 && n.rootfs == nil:
		return errParam("initramfs", "rootfs", "None", fmt.Sprintf("the system to copy %s from", quote(n.paths[0])))
	case len(n.modules) > 0 && n.kernel == nil && n.rootfs == nil:
		return errParam("initramfs", "kernel", "None", "the tree holding /usr/lib/modules (or rootfs = a system with a kernel) when modules are asked for")
	}
	return nil
}
