package stdlib

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"go.starlark.net/starlark"
)

var kernelBuiltin = Builtin{
	Name:    "kernel",
	Summary: "A Linux kernel built from source with kbuild, its config checked against the fragments that asked for it.",
	Params: []Param{
		{Name: "source", Type: "artifact", Doc: "a kernel source tree (`git()`, `local()`), or a tree holding one tarball of it: `http(...)` of a kernel.org tarball, `package_files(repos, [\"linux-source-6.1\"])` for Debian's"},
		{Name: "arch", Type: "string", Default: "the build's platform", Doc: `Debian architecture, "amd64" or "arm64"; arm64 is cross-compiled with Debian's gcc-aarch64-linux-gnu, never emulated`},
		{Name: "config", Type: "string or artifact", Default: `"defconfig"`, Doc: `the base config: a make target ("defconfig", "tinyconfig", "allnoconfig", "NAME_defconfig") or an artifact holding a full .config`},
		{Name: "fragments", Type: "list of string, dict or artifact", Default: "[]", Doc: `config fragments merged in order, as scripts/kconfig/merge_config.sh does: project paths, one-file artifacts, or inline dicts like {"EXT4_FS": "y", "VIRTIO_BLK": "m"} (values y, m, n, numbers, or strings written with their quotes)`},
		{Name: "localversion", Type: "string", Default: `""`, Doc: `appended to the kernel release (CONFIG_LOCALVERSION), e.g. "-edge"`},
		{Name: "repos", Type: "list of repo", Default: "bookworm", Doc: "where the build tools come from (gcc, make, bison, flex, bc, libelf-dev, libssl-dev, kmod, the cross compiler); locked as any root"},
		{Name: "module_cert", Type: "string or artifact", Default: "None", Doc: "an X.509 certificate (PEM) the kernel trusts for module signatures: sets CONFIG_MODULE_SIG (SHA-256) with the certificate built in as its module key, no key generated (so the kernel repeats) and no in-tree module signed; sign modules with kernel_module(key = ..., cert = the same file), and add {\"MODULE_SIG_FORCE\": \"y\"} to refuse unsigned ones"},
	},
	Returns: "artifact: boot/vmlinuz-RELEASE (bzImage or Image), boot/System.map-RELEASE, boot/config-RELEASE, usr/lib/modules/RELEASE with depmod's indexes, and for arm64 the device trees under usr/lib/linux-image-RELEASE, the layout of Debian's linux-image packages",
	Doc: "The config step runs the base config target, merges the fragments with the kernel's own merge_config.sh and " +
		"runs `olddefconfig`; then cairn's helper compares every symbol a fragment set with the final .config. Kconfig drops " +
		"a symbol whose dependencies are off without a word; here that fails the build naming the symbol, the value asked, " +
		"the value got, the fragment file and line (or `fragments[N] (inline)`), and the unmet `depends on` " +
		"read from the Kconfig files with the values of its symbols. The build step runs kbuild out of tree with " +
		"KBUILD_BUILD_TIMESTAMP from SOURCE_DATE_EPOCH and a fixed user and host, without network; its object tree lives " +
		"in a cache mount keyed by the source, the architecture and the tools, so a changed symbol recompiles only what it touches.",
	Example: `k = kernel(package_files([debian], ["linux-source-6.1"]), config = "tinyconfig", fragments = ["kernel/qemu.cfg", {"PRINTK": "y"}])`,
	fn:      kernelFn,
}

// kernelArches maps Debian architectures to kbuild's ARCH, the boot image
// and the cross compiler's prefix.
var kernelArches = map[string]struct{ karch, srcarch, image, cross, gcc string }{
	"amd64": {"x86_64", "x86", "arch/x86/boot/bzImage", "x86_64-linux-gnu-", "gcc-x86-64-linux-gnu"},
	"arm64": {"arm64", "arm64", "arch/arm64/boot/Image", "aarch64-linux-gnu-", "gcc-aarch64-linux-gnu"},
}

// kernelTools are the build tools every kernel build needs.
var kernelTools = []string{"make", "gcc", "libc6-dev", "bc", "bison", "flex", "libelf-dev", "libssl-dev", "kmod", "cpio", "perl", "python3", "rsync", "xz-utils", "bzip2"}

type kernelNode struct {
	at
	source       *Artifact
	arch         string
	base         string    // a make target, or
	baseFile     *Artifact // a full .config
	fragments    []*Artifact
	names        []string // the fragments' names for messages: path, or recipe line
	localversion string
	repos        []pkgs.RepoSpec
	moduleCert   *Artifact // trusted for module signatures; nil for none
}

var localversionRE = regexp.MustCompile(`^[A-Za-z0-9._+-]*$`)
var configTargetRE = regexp.MustCompile(`^([a-z0-9_]+_)?(def|tiny|allno|allmod|allyes)config$`)

func kernelFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	src := artifactArg{}
	var archV, config starlark.Value = starlark.None, starlark.String("defconfig")
	var fragments, repos *starlark.List
	n := &kernelNode{at: at{callPos(t)}}
	var moduleCert starlark.Value = starlark.None
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "source", &src, "arch?", &archV, "config?", &config,
		"fragments?", &fragments, "localversion?", &n.localversion, "repos?", &repos, "module_cert?", &moduleCert); err != nil {
		return nil, err
	}
	if moduleCert != starlark.None {
		var err error
		if n.moduleCert, _, err = oneFile(t, n.at, "kernel", "module_cert", moduleCert, "an X.509 certificate file (PEM): a project path or an artifact holding one file"); err != nil {
			return nil, err
		}
	}
	n.source = src.v
	rn := &rootfsNode{call: "kernel"}
	if err := rn.setArch(archV); err != nil {
		return nil, err
	}
	if n.arch = rn.arch; n.arch != "" && kernelArches[n.arch].karch == "" {
		return nil, errParam("kernel", "arch", quote(n.arch), `"amd64" or "arm64"`)
	}
	if repos != nil {
		if err := rn.setRepos(repos); err != nil {
			return nil, err
		}
		n.repos = rn.repos
	}
	switch c := config.(type) {
	case starlark.String:
		if !configTargetRE.MatchString(string(c)) {
			return nil, errParam("kernel", "config", c.String(), `a config target like "defconfig", "tinyconfig" or "bcm2711_defconfig", or an artifact holding a .config`)
		}
		n.base = string(c)
	default:
		a := artifactArg{}
		if err := unpackIn("kernel", "config", &a, config); err != nil {
			return nil, err
		}
		if a.v.File() == "" {
			return nil, errParam("kernel", "config", a.v.String(), "an artifact holding one file (a full .config)")
		}
		n.baseFile = a.v
	}
	if !localversionRE.MatchString(n.localversion) {
		return nil, errParam("kernel", "localversion", quote(n.localversion), `letters, digits and ._+- like "-edge"`)
	}
	if err := n.setFragments(t, fragments); err != nil {
		return nil, err
	}
	return newArtifact(n, "kernel"), nil
}

// symbolRE is a Kconfig symbol without the CONFIG_ prefix.
var symbolRE = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// setFragments takes project paths (checked now), inline dicts and
// one-file artifacts.
func (n *kernelNode) setFragments(t *starlark.Thread, l *starlark.List) error {
	if l == nil {
		return nil
	}
	for i := 0; i < l.Len(); i++ {
		if d, ok := l.Index(i).(*starlark.Dict); ok {
			text, err := inlineFragment(d)
			if err != nil {
				return err
			}
			fn := &filesNode{at: n.at, mode: 0o644, entries: []fileEntry{{dest: "fragment.cfg", text: []byte(text)}}}
			n.fragments = append(n.fragments, newFileArtifact(fn, "inline fragment", "fragment.cfg"))
			// Named by index, not recipe position: a position spells the
			// recipe's path, which must not reach the step's cache key (the
			// error's source map gives the line).
			n.names = append(n.names, fmt.Sprintf("fragments[%d] (inline)", i))
			continue
		}
		a, name, err := oneFile(t, n.at, "kernel", "fragments", l.Index(i), "a fragment file: a project path, an inline dict or an artifact holding one file")
		if err != nil {
			return err
		}
		n.fragments, n.names = append(n.fragments, a), append(n.names, name)
	}
	return nil
}

// inlineFragment writes {"EXT4_FS": "y"} as fragment lines, sorted.
func inlineFragment(d *starlark.Dict) (string, error) {
	lines := make([]string, 0, d.Len())
	for _, item := range d.Items() {
		k, ok1 := starlark.AsString(item[0])
		v, ok2 := starlark.AsString(item[1])
		k = strings.TrimPrefix(k, "CONFIG_")
		switch {
		case !ok1 || !symbolRE.MatchString(k):
			return "", errParam("kernel", "fragments", item[0].String(), `symbol names like "EXT4_FS" (CONFIG_ optional)`)
		case !ok2 || v == "" || strings.ContainsAny(v, "\n"):
			return "", errParam("kernel", "fragments", item[1].String(), `values like "y", "m", "n", "64" or "\"text\""`)
		case v == "n":
			lines = append(lines, "# CONFIG_"+k+" is not set")
		default:
			lines = append(lines, "CONFIG_"+k+"="+v)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n", nil
}

// toolsRoot is the root the kernel is configured and built in: the engine's
// own architecture, with the cross compiler for another.
func (n *kernelNode) toolsRoot(c *Compiler, arch string) (llb.State, error) {
	native, err := debArchOf(c.helper.Platform)
	if err != nil {
		return llb.State{}, errAt(n.p, "kernel", err)
	}
	packages := append([]string(nil), kernelTools...)
	if arch != native {
		packages = append(packages, kernelArches[arch].gcc)
	}
	repos := n.repos
	if repos == nil {
		repos = []pkgs.RepoSpec{{Type: "deb", Name: "debian", Suite: toolsSuite, Components: []string{"main"}}}
	}
	root := &rootfsNode{at: n.at, call: "kernel", variant: "essential", mergedUsr: true, arch: native, packages: packages, repos: repos}
	return c.native().State(newArtifact(root, "kernel tools ("+arch+")"))
}

// archFor is the kernel's Debian architecture: its own, or the build's.
func (n *kernelNode) archFor(c *Compiler) (string, error) {
	arch := n.arch
	if arch == "" {
		a, err := debArchOf(c.platform)
		if err != nil {
			return "", errAt(n.p, "kernel", err)
		}
		arch = a
	}
	if _, ok := kernelArches[arch]; !ok {
		return "", errAt(n.p, "kernel", fmt.Errorf("no kernel build for %s (amd64 and arm64 are)", arch))
	}
	return arch, nil
}

func (n *kernelNode) compile(c *Compiler) (llb.State, error) {
	arch, err := n.archFor(c)
	if err != nil {
		return llb.State{}, err
	}
	ka := kernelArches[arch]
	c.recordBuilt("kernel", "linux"+n.localversion, n.p, fmt.Sprintf("%s, config %s", arch, strings.Join(append([]string{n.baseName()}, n.names...), " + ")))
	tools, err := n.toolsRoot(c, arch)
	if err != nil {
		return llb.State{}, err
	}
	srcIn, err := c.State(n.source)
	if err != nil {
		return llb.State{}, err
	}
	env := n.env(c, arch)
	src := tools.Run(llb.Args([]string{"/bin/bash", "-c", unpackKernelScript}), llb.AddMount("/in", srcIn, llb.Readonly),
		llb.Network(pb.NetMode_NONE), llb.WithCustomName("kernel source"), c.loc(n.p)).AddMount("/src", llb.Scratch())

	config, err := n.configure(c, tools, src, env, ka.srcarch)
	if err != nil {
		return llb.State{}, err
	}
	ck, err := n.cacheKey(c, srcIn)
	if err != nil {
		return llb.State{}, errAt(n.p, "kernel", err)
	}
	key := fmt.Sprintf("cairn-kernel-%s-%s", arch, ck)
	moduleCertMount, err := n.moduleCertMount(c)
	if err != nil {
		return llb.State{}, err
	}
	es := tools.Run(llb.Args([]string{"/bin/bash", "-c", strings.NewReplacer("@IMAGE@", ka.image, "@SRCARCH@", ka.srcarch).Replace(buildKernelScript)}),
		llb.AddMount("/src", src, llb.Readonly), llb.AddMount("/cairn/config", config, llb.Readonly), moduleCertMount,
		llb.AddMount("/obj", llb.Scratch(), llb.AsPersistentCacheDir(key, llb.CacheMountLocked)),
		env, llb.Network(pb.NetMode_NONE),
		llb.WithCustomName(fmt.Sprintf("kernel build (%s)", arch)), c.loc(n.p))
	return es.AddMount("/out", llb.Scratch()), nil
}

// moduleCertPath is where module_cert is mounted in the build, the path
// CONFIG_MODULE_SIG_KEY names.
const moduleCertPath = "/cairn/module-cert.pem"

// moduleSigFragment turns module signing on with module_cert as the
// kernel's module key: a certificate without its private key, so the
// build generates no key (which would change every build) and signs no
// in-tree module (MODULE_SIG_ALL off).
const moduleSigFragment = "CONFIG_MODULE_SIG=y\nCONFIG_MODULE_SIG_SHA256=y\nCONFIG_CRYPTO_RSA=y\nCONFIG_MODULE_SIG_KEY=\"" + moduleCertPath + "\"\n# CONFIG_MODULE_SIG_ALL is not set\n"

// moduleCertMount mounts module_cert for the build; nothing without one.
func (n *kernelNode) moduleCertMount(c *Compiler) (llb.RunOption, error) {
	if n.moduleCert == nil {
		return runOptions(nil), nil
	}
	st, err := c.State(n.moduleCert)
	if err != nil {
		return nil, err
	}
	return llb.AddMount(moduleCertPath, st, llb.SourcePath("/"+n.moduleCert.File()), llb.Readonly), nil
}

// cacheKey names the object tree's cache mount by what decides which
// objects can be reused: the source (its graph, so another tarball or
// commit gets another tree) and the tools (the architecture is added by
// the caller), and which kernel of the recipe it is (base config, fragment
// names, localversion), so a qemu kernel and a device kernel from one
// source keep a tree each. The fragments' contents are left out on
// purpose: a changed symbol rebuilds in the same tree, only what it
// touches.
func (n *kernelNode) cacheKey(c *Compiler, src llb.State) (string, error) {
	def, err := src.Marshal(c.ctx, llb.LocalUniqueID(localUniqueID)) // not a random ID per call: the key must be the same every run
	if err != nil {
		return "", err
	}
	data, _ := json.Marshal([]any{def.Def[len(def.Def)-1], n.repos, kernelTools, n.baseName(), n.names, n.localversion})
	return fmt.Sprintf("%x", sha256.Sum256(data))[:16], nil
}

// env is the kbuild environment every step shares.
func (n *kernelNode) env(c *Compiler, arch string) llb.RunOption {
	ka := kernelArches[arch]
	native, _ := debArchOf(c.helper.Platform)
	cross := ""
	if arch != native {
		cross = ka.cross
	}
	return runOptions{
		llb.AddEnv("PATH", defaultPath), llb.AddEnv("LC_ALL", "C.UTF-8"),
		llb.AddEnv("ARCH", ka.karch), llb.AddEnv("CROSS_COMPILE", cross),
		llb.AddEnv("KBUILD_BUILD_TIMESTAMP", "@"+c.epoch.String()),
		llb.AddEnv("KBUILD_BUILD_USER", "cairn"), llb.AddEnv("KBUILD_BUILD_HOST", "cairn"),
		llb.AddEnv("KBUILD_BUILD_VERSION", "1"), llb.AddEnv("SOURCE_DATE_EPOCH", c.epoch.String()),
	}
}

// runOptions is several run options as one.
type runOptions []llb.RunOption

func (o runOptions) SetRunOption(ei *llb.ExecInfo) {
	for _, x := range o {
		x.SetRunOption(ei)
	}
}

// configure makes the .config: base target, fragments merged, olddefconfig,
// then the helper's check that nothing a fragment asked for was dropped.
func (n *kernelNode) configure(c *Compiler, tools, src llb.State, env llb.RunOption, srcarch string) (llb.State, error) {
	helper, err := c.native().helperState("kernel")
	if err != nil {
		return llb.State{}, err
	}
	check := request.KconfigCheck{Config: "/obj/.config", Source: "/src", SrcArch: srcarch}
	opts := []llb.RunOption{llb.AddMount("/src", src, llb.Readonly), llb.AddMount("/cairn/helper", helper, llb.Readonly),
		env, llb.Network(pb.NetMode_NONE), llb.WithCustomName(fmt.Sprintf("kernel config (%s, %d fragments)", n.baseName(), len(n.fragments))), c.loc(n.p)}
	var frags []string
	for i, a := range n.fragments {
		st, err := c.State(a)
		if err != nil {
			return llb.State{}, err
		}
		file := fmt.Sprintf("/cairn/fragments/%03d", i)
		opts = append(opts, llb.AddMount(file, st, llb.SourcePath("/"+a.File()), llb.Readonly))
		frags = append(frags, file)
		check.Fragments = append(check.Fragments, request.Fragment{File: file, Name: n.names[i]})
	}
	// Fragments cairn writes: the local version, module signing.
	var own [][3]string // file name, checked as, text
	if n.localversion != "" {
		own = append(own, [3]string{"localversion", "localversion", fmt.Sprintf("CONFIG_LOCALVERSION=%q\n# CONFIG_LOCALVERSION_AUTO is not set\n", n.localversion)})
	}
	if n.moduleCert != nil {
		own = append(own, [3]string{"module-sig", "module_cert", moduleSigFragment})
	}
	for _, f := range own {
		fn := &filesNode{at: n.at, mode: 0o644, entries: []fileEntry{{dest: f[0] + ".cfg", text: []byte(f[2])}}}
		st, err := c.State(newFileArtifact(fn, f[1], f[0]+".cfg"))
		if err != nil {
			return llb.State{}, err
		}
		file := "/cairn/fragments/" + f[0]
		opts = append(opts, llb.AddMount(file, st, llb.SourcePath("/"+f[0]+".cfg"), llb.Readonly))
		frags = append(frags, file)
		check.Fragments = append(check.Fragments, request.Fragment{File: file, Name: f[1]})
	}
	base := "make -s -C /src O=/obj " + n.base
	if n.baseFile != nil {
		st, err := c.State(n.baseFile)
		if err != nil {
			return llb.State{}, err
		}
		opts = append(opts, llb.AddMount("/cairn/base.config", st, llb.SourcePath("/"+n.baseFile.File()), llb.Readonly))
		base = "cp /cairn/base.config /obj/.config"
	}
	args, err := request.Args("/cairn/helper"+helperPath, check)
	if err != nil {
		return llb.State{}, errAt(n.p, "kernel", err)
	}
	script := fmt.Sprintf(configKernelScript, base, strings.Join(frags, " "), strings.Join(quoteShell(args), " "))
	es := tools.Run(append([]llb.RunOption{llb.Args([]string{"/bin/bash", "-c", script})}, opts...)...)
	return es.AddMount("/out", llb.Scratch()), nil
}

func (n *kernelNode) baseName() string {
	if n.baseFile != nil {
		return n.baseFile.File()
	}
	return n.base
}

func quoteShell(l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = shellQuote(s)
	}
	return out
}

// unpackKernelScript lays the source out in /src: a tree is copied, a
// tarball (the only one in the input) is extracted without its top
// directory.
const unpackKernelScript = `set -eu
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
if [ -f /in/Makefile ] && [ -f /in/Kconfig ]; then
  cp -a /in/. /src/
  exit 0
fi
tarballs=$(find /in -type f \( -name '*.tar' -o -name '*.tar.*' -o -name '*.tgz' \))
n=$(printf '%s\n' "$tarballs" | grep -c . || true)
if [ "$n" != 1 ]; then
  echo "cairn: kernel: the source holds $n tarballs and no kernel tree (Makefile and Kconfig at its top); want a tree or one tarball:" >&2
  printf '  %s\n' $tarballs >&2
  exit 1
fi
echo "cairn: extracting $tarballs"
tar -xf "$tarballs" -C /src --strip-components=1 --no-same-owner
[ -f /src/Kconfig ] || { echo "cairn: kernel: $tarballs holds no kernel tree" >&2; exit 1; }
`

// configKernelScript: %[1]s makes the base config, %[2]s are the
// fragments, %[3]s is the helper's check.
const configKernelScript = `set -eu
mkdir -p /obj
%[1]s
if [ -n "%[2]s" ]; then
  /src/scripts/kconfig/merge_config.sh -m -O /obj /obj/.config %[2]s
fi
make -s -C /src O=/obj olddefconfig
cp /obj/.config /out/.config
touch -d "@$SOURCE_DATE_EPOCH" /out/.config
%[3]s
`

// buildKernelScript builds in the cached object tree and installs into
// /out as Debian's linux-image and linux-headers packages lay a kernel out.
// A kernel with modules also gets the headers tree out-of-tree modules
// build against (what builddeb's deploy_kernel_headers copies; its
// scripts are built for the engine's architecture, where kernel_module
// runs them) and the vermagic a module built against those headers gets,
// found by building a probe module with them. A kernel without modules
// keeps modules.builtin, so an initramfs can ask for a built-in driver.
const buildKernelScript = `set -eu
cd /obj
if ! cmp -s /cairn/config/.config .config; then cp /cairn/config/.config .config; fi
make -C /src O=/obj olddefconfig >/dev/null
make -C /src O=/obj -j"$(nproc)"
release=$(make -s -C /src O=/obj kernelrelease)
install -D -m 0644 @IMAGE@ /out/boot/vmlinuz-$release
install -m 0644 System.map /out/boot/System.map-$release
install -m 0644 .config /out/boot/config-$release
mods=/out/usr/lib/modules/$release
if grep -qx CONFIG_MODULES=y .config; then
  make -s -C /src O=/obj INSTALL_MOD_PATH=/out/usr INSTALL_MOD_STRIP=1 DEPMOD=/usr/sbin/depmod modules_install
  rm -f $mods/build $mods/source
  hdr=/out/usr/src/linux-headers-$release
  mkdir -p $hdr
  (cd /src && {
    find . arch/@SRCARCH@ -maxdepth 1 -name 'Makefile*'
    find include scripts -type f -o -type l
    find arch/@SRCARCH@ -name Kbuild.platforms -o -name Platform -o -name module.lds
    find $(find arch/@SRCARCH@ -name include -o -name scripts -type d) -type f
  } | LC_ALL=C sort | tar -cf - --no-recursion -T - | tar -xf - -C $hdr)
  {
    find arch/@SRCARCH@/include Module.symvers include scripts -type f
    for f in tools/objtool/objtool tools/bpf/resolve_btfids/resolve_btfids; do [ ! -f $f ] || echo $f; done
  } | LC_ALL=C sort | tar -cf - --no-recursion -T - | tar -xf - -C $hdr
  cp .config $hdr/.config
  rm -rf /tmp/probe && mkdir /tmp/probe
  printf '#include <linux/module.h>\nMODULE_LICENSE("GPL");\n' > /tmp/probe/probe.c
  echo 'obj-m := probe.o' > /tmp/probe/Kbuild
  make -s -C $hdr M=/tmp/probe modules
  /usr/sbin/modinfo -F vermagic /tmp/probe/probe.ko > $hdr/cairn-vermagic
  echo "cairn: headers in usr/src/linux-headers-$release, vermagic $(cat $hdr/cairn-vermagic)"
else
  mkdir -p $mods
  for f in modules.builtin modules.builtin.modinfo; do [ ! -f $f ] || install -m 0644 $f $mods/$f; done
fi
if [ "$ARCH" = arm64 ]; then
  make -s -C /src O=/obj INSTALL_DTBS_PATH=/out/usr/lib/linux-image-$release dtbs_install
fi
find /out -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
echo "cairn: built kernel $release"
`
