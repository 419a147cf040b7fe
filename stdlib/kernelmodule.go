package stdlib

import (
	"fmt"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"go.starlark.net/starlark"
)

var kernelModuleBuiltin = Builtin{
	Name:    "kernel_module",
	Summary: "Out-of-tree kernel modules built against a kernel()'s headers, their vermagic checked against that kernel.",
	Params: []Param{
		{Name: "source", Type: "artifact", Doc: "the module's source (a tree with a Kbuild or Makefile setting obj-m, as for `make M=`), or a tree of prebuilt `.ko` files, which are only checked"},
		{Name: "kernel", Type: "artifact", Doc: "a kernel() with modules (CONFIG_MODULES=y), or a kernel_module() of one"},
		{Name: "standalone", Type: "bool", Default: "False", Doc: "return only the modules (usr/lib/modules/RELEASE/updates/*.ko) instead of the kernel with them installed"},
		{Name: "key", Type: "secret, signer or ssh_agent", Default: "None", Doc: "sign the modules with this RSA key, as for efi_sign(): a `secret(\"ID\")`, a `signer.transit(...)` or an `ssh_agent(\"ID\")`; needs `cert`"},
		{Name: "cert", Type: "string or artifact", Default: "None", Doc: "the signing key's X.509 certificate, the one the kernel trusts (CONFIG_SYSTEM_TRUSTED_KEYS, or its module signing key)"},
	},
	Returns: "artifact: the kernel with the modules in usr/lib/modules/RELEASE/updates and depmod re-run, a kernel a board, initramfs() or another kernel_module() takes; or, standalone, the modules alone",
	Doc: "The build runs `make -C usr/src/linux-headers-RELEASE M=...` in the kernel's own tools root, with its " +
		"architecture and cross compiler, without network. Every module, built or prebuilt, must carry the vermagic a " +
		"module built against the kernel's headers carries (release, SMP, preemption, module unloading, versions); " +
		"a module built for another kernel fails the build naming both. Modules are stripped of debug sections. With `key` and `cert`, " +
		"each module is then signed as the kernel's scripts/sign-file signs (PKCS#7, SHA-256, no signing time: the same bytes every build) " +
		"by cairn's helper; `modinfo` shows the signer, and a kernel with CONFIG_MODULE_SIG that trusts the certificate loads them.",
	Example: `k = kernel_module(local("drivers/hello"), kernel(linux, config = "tinyconfig", fragments = [{"MODULES": "y"}]))`,
	fn:      kernelModuleFn,
}

type kernelModuleNode struct {
	at
	source, kernel *Artifact
	standalone     bool
	built          *kernelNode // the kernel() under kernel
	sign           *x509Signer // nil: unsigned
}

func kernelModuleFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	src, k := artifactArg{}, artifactArg{}
	n := &kernelModuleNode{at: at{callPos(t)}}
	var key, cert starlark.Value = starlark.None, starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "source", &src, "kernel", &k, "standalone?", &n.standalone, "key?", &key, "cert?", &cert); err != nil {
		return nil, err
	}
	var err error
	if n.sign, err = x509SignerArg(t, n.at, b.Name(), key, cert); err != nil {
		return nil, err
	}
	n.source, n.kernel = src.v, k.v
	if n.built = builtKernel(k.v); n.built == nil {
		return nil, errParam("kernel_module", "kernel", k.v.String(), "a kernel() artifact (or a kernel_module() of one, not standalone)")
	}
	what := "kernel_module"
	if n.standalone {
		what += " (standalone)"
	}
	return newArtifact(n, what), nil
}

// builtKernel is the kernel() an artifact is, directly or with modules
// added; nil for anything else.
func builtKernel(a *Artifact) *kernelNode {
	switch n := a.node.(type) {
	case *kernelNode:
		return n
	case *kernelModuleNode:
		if !n.standalone {
			return n.built
		}
	}
	return nil
}

func (n *kernelModuleNode) compile(c *Compiler) (llb.State, error) {
	arch, err := n.built.archFor(c)
	if err != nil {
		return llb.State{}, err
	}
	tools, err := n.built.toolsRoot(c, arch)
	if err != nil {
		return llb.State{}, err
	}
	c.recordBuilt("kernel-module", "module", n.p, "against the kernel at "+posString(n.built.p))
	kernel, err := c.State(n.kernel)
	if err != nil {
		return llb.State{}, err
	}
	src, err := c.State(n.source)
	if err != nil {
		return llb.State{}, err
	}
	// The bracket makes the path a pattern, so a kernel without headers
	// (built without modules) gets to the script, which says so.
	headers := llb.Scratch().File(llb.Mkdir("/src", 0o755, c.created()).Copy(kernel, "/usr/sr[c]", "/src", &llb.CopyInfo{
		AllowWildcard: true, AllowEmptyWildcard: true, CopyDirContentsOnly: true}),
		llb.WithCustomName("kernel headers"), c.loc(n.p))
	standalone := "0"
	if n.standalone {
		standalone = "1"
	}
	es := tools.Run(llb.Args([]string{"/bin/bash", "-c", kernelModuleScript}),
		llb.AddMount("/module", src, llb.Readonly),
		llb.AddMount("/kernel/usr/src", headers, llb.SourcePath("/src"), llb.Readonly),
		llb.AddMount("/kernel/usr/lib/modules", kernel, llb.SourcePath("/usr/lib/modules"), llb.Readonly),
		n.built.env(c, arch), llb.AddEnv("STANDALONE", standalone), llb.Network(pb.NetMode_NONE),
		llb.WithCustomName(fmt.Sprintf("kernel module (%s)", arch)), c.loc(n.p))
	out := es.AddMount("/out", llb.Scratch())
	layers := []llb.State{kernel, out}
	if n.sign != nil {
		signed, err := c.signModules(n, out, arch)
		if err != nil {
			return llb.State{}, err
		}
		layers = append(layers, signed)
	}
	if n.standalone {
		return llb.Merge(layers[1:], llb.WithCustomName("signed modules"), c.loc(n.p)), nil
	}
	return llb.Merge(layers, llb.WithCustomName("kernel with modules"), c.loc(n.p)), nil
}

// signModules is the modules of out (those in updates/, the ones this
// kernel_module() built) signed by the helper, at the same paths.
func (c *Compiler) signModules(n *kernelModuleNode, out llb.State, arch string) (llb.State, error) {
	root, err := c.helperState("kernel_module")
	if err != nil {
		return llb.State{}, errAt(n.p, "", err)
	}
	req := request.ModSign{In: "/in", Subdir: "updates", Out: "/out", Epoch: c.epoch}
	opts, err := n.sign.mount(c, &req.Signer, "/cairn/cert", fmt.Sprintf("sign kernel modules (%s)", arch))
	if err != nil {
		return llb.State{}, err
	}
	args, err := request.Args(helperPath, req)
	if err != nil {
		return llb.State{}, errAt(n.p, "kernel_module", err)
	}
	opts = append(opts, llb.AddMount("/in", out, llb.Readonly), llb.Args(args), llb.Platform(c.helper.Platform), c.loc(n.p))
	return root.Run(opts...).AddMount("/out", llb.Scratch()), nil
}

// kernelModuleScript builds (or takes) the modules, checks their
// vermagic against the probe's the kernel build recorded, and installs
// them under updates/, re-running depmod unless standalone.
const kernelModuleScript = `set -eu
fail() { echo "cairn: kernel_module: $*" >&2; exit 1; }
set -- /kernel/usr/src/linux-headers-*
[ -d "$1" ] && [ $# = 1 ] || fail "the kernel has no headers tree (usr/src/linux-headers-*): it was built without modules; add {\"MODULES\": \"y\"} to its fragments"
hdr=$1 release=${1##*/linux-headers-}
want=$(cat "$hdr/cairn-vermagic")
mkdir -p /build && cp -a /module/. /build/
cd /build
if [ -f Kbuild ] || [ -f Makefile ] || [ -f makefile ]; then
  echo "cairn: building against $hdr"
  make -C "$hdr" M=/build -j"$(nproc)" modules
fi
kos=$(find . -name '*.ko' -type f | LC_ALL=C sort)
[ -n "$kos" ] || fail "no .ko files: the source has no Kbuild or Makefile setting obj-m, and no prebuilt modules"
bad=
for ko in $kos; do
  got=$(/usr/sbin/modinfo -F vermagic "$ko")
  [ "$got" = "$want" ] || bad="$bad
  ${ko#./}: vermagic \"$got\""
done
if [ -n "$bad" ]; then
  fail "module(s) built for another kernel:$bad
  the kernel is $release: vermagic \"$want\"
  build the module from source against this kernel (kernel_module(source, kernel = ...)) instead of taking a module built for another"
fi
dest=/out/usr/lib/modules/$release
if [ "$STANDALONE" = 0 ]; then
  mkdir -p /out/usr/lib/modules
  cp -a /kernel/usr/lib/modules/$release /out/usr/lib/modules/
fi
mkdir -p "$dest/updates"
for ko in $kos; do
  name=$(basename "$ko")
  [ ! -e "$dest/updates/$name" ] || fail "two modules named $name"
  ${CROSS_COMPILE}strip --strip-debug -o "$dest/updates/$name" "$ko"
  chmod 0644 "$dest/updates/$name"
  echo "cairn: module updates/$name for $release"
done
[ "$STANDALONE" = 1 ] || /usr/sbin/depmod -b /out/usr "$release"
find /out -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
`
