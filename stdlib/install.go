package stdlib

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
)

// packageSet asks the compiler's package source for a rootfs node's set
// and remembers it for SBOMs.
func (c *Compiler) packageSet(n *rootfsNode, arch string) (*pkgs.Set, error) {
	if c.packages == nil {
		return nil, fmt.Errorf("%s: rootfs: %w", n.p, errNoPackageSource)
	}
	req := n.request(arch)
	req.Target = c.target
	set, err := c.packages.Resolve(c.ctx, req)
	if err != nil {
		return nil, err
	}
	c.shared.sets[setKey{n, arch}] = set
	return set, nil
}

type setKey struct {
	n    *rootfsNode
	arch string
}

// installed is the configured system: a base layer, one unpacked layer per
// package (merged in name order, so the later name wins a path both ship),
// then the configure step.
func (c *Compiler) installed(n *rootfsNode, arch string, set *pkgs.Set) (llb.State, error) {
	layers := []llb.State{c.baseLayer(arch, n.mergedUsr)}
	for _, p := range byName(set.Packages) {
		l, err := c.debLayer(n, p)
		if err != nil {
			return llb.State{}, err
		}
		layers = append(layers, l)
	}
	what := fmt.Sprintf("%d packages (%s)", len(set.Packages), arch)
	merged := llb.Merge(layers, llb.WithCustomName("merge "+what), c.loc(n.p))
	es := merged.Run(
		llb.Args([]string{"/bin/sh", "-c", configureScript(set)}),
		llb.AddEnv("SOURCE_DATE_EPOCH", fmt.Sprint(c.epoch)),
		llb.Network(pb.NetMode_NONE),
		llb.Platform(debArches[arch]),
		llb.WithCustomName("configure "+what),
		c.loc(n.p))
	return es.Root(), nil
}

func byName(l []pkgs.Locked) []pkgs.Locked {
	out := append([]pkgs.Locked(nil), l...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Arch < out[j].Arch
	})
	return out
}

// usrDirs are the top-level directories a merged-/usr system links into
// /usr, per architecture (as debootstrap makes them).
func usrDirs(arch string) []string {
	dirs := []string{"bin", "sbin", "lib"}
	if arch == "amd64" {
		dirs = append(dirs, "lib32", "lib64", "libx32")
	}
	return dirs
}

// baseLayer holds what dpkg expects before the first package: its database
// directories and, for merged /usr, the /bin -> usr/bin links.
func (c *Compiler) baseLayer(arch string, mergedUsr bool) llb.State {
	key := fmt.Sprintf("base %s %v", arch, mergedUsr)
	if st, ok := c.shared.layers[key]; ok {
		return st
	}
	var fa *llb.FileAction
	mkdir := func(p string) {
		a := llb.Mkdir(p, 0o755, llb.WithParents(true), c.created(), rootOwner())
		if fa == nil {
			fa = a
		} else {
			fa = fa.Mkdir(p, 0o755, llb.WithParents(true), c.created(), rootOwner())
		}
	}
	for _, d := range []string{"info", "updates", "triggers", "alternatives"} {
		mkdir("/var/lib/dpkg/" + d)
	}
	if mergedUsr {
		for _, d := range usrDirs(arch) {
			mkdir("/usr/" + d)
			fa = fa.Symlink("usr/"+d, "/"+d, llb.WithCreatedTime(c.epochTime()))
		}
	}
	st := llb.Scratch().File(fa, llb.WithCustomName("dpkg base ("+arch+")"))
	c.shared.layers[key] = st
	return st
}

// debLayer downloads one package file, pinned by its SHA-256, and unpacks
// it with the helper. The op does not depend on the target architecture,
// so an Architecture: all package is one layer for every build.
func (c *Compiler) debLayer(n *rootfsNode, p pkgs.Locked) (llb.State, error) {
	key := "deb " + p.SHA256 + fmt.Sprint(n.mergedUsr)
	if st, ok := c.shared.layers[key]; ok {
		return st, nil
	}
	if p.URL == "" {
		return llb.State{}, fmt.Errorf("%s: rootfs: %s: %w", n.p, p.Name, errNoURL)
	}
	root, err := c.helperState("rootfs")
	if err != nil {
		return llb.State{}, fmt.Errorf("%s: %w", n.p, err)
	}
	file := path.Base(p.Filename)
	deb := llb.HTTP(p.URL, llb.Checksum(digest.NewDigestFromEncoded(digest.SHA256, p.SHA256)),
		llb.Filename(file), llb.WithCustomName("fetch "+file), c.loc(n.p))
	args := []string{helperPath, "deb-unpack", "--epoch", fmt.Sprint(c.epoch)}
	if n.mergedUsr {
		args = append(args, "--merged-usr")
	}
	es := root.Run(
		llb.Args(append(args, "/deb/"+file, "/out")),
		llb.AddMount("/deb", deb, llb.Readonly),
		llb.Network(pb.NetMode_NONE),
		llb.Platform(c.helper.Platform),
		llb.WithCustomName(fmt.Sprintf("unpack %s %s (%s)", p.Name, p.Version, p.Arch)),
		c.loc(n.p))
	st := es.AddMount("/out", llb.Scratch())
	c.shared.layers[key] = st
	return st, nil
}

// customize lays the recipe's files over the system and runs its commands.
func (n *rootfsNode) customize(c *Compiler, root llb.State, arch string) (llb.State, error) {
	if len(n.files) > 0 {
		states := []llb.State{root}
		for _, f := range n.files {
			st, err := c.State(f)
			if err != nil {
				return llb.State{}, err
			}
			states = append(states, st)
		}
		root = llb.Merge(states, llb.WithCustomName("rootfs files"), c.loc(n.p))
	}
	for _, cmd := range n.run {
		root = root.Run(
			llb.Args([]string{"/bin/sh", "-c", cmd}),
			llb.AddEnv("SOURCE_DATE_EPOCH", fmt.Sprint(c.epoch)),
			llb.AddEnv("PATH", defaultPath),
			llb.Network(pb.NetMode_NONE),
			llb.Platform(debArches[arch]),
			llb.WithCustomName("rootfs run "+cmd),
			c.loc(n.p)).Root()
	}
	return root, nil
}

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// dpkgID is how dpkg names a package's files: "libc6:amd64" for
// Multi-Arch: same packages, the plain name otherwise.
func dpkgID(p pkgs.Locked) string {
	if p.MultiArch == "same" && p.Arch != "all" {
		return p.Name + ":" + p.Arch
	}
	return p.Name
}

// configureScript turns the unpacked layers into an installed system: the
// status database from the helper's fragments, preinst scripts in
// configure order, `dpkg --configure -a`, then the files a real install
// would not leave behind nondeterministically (logs, caches, *-old).
func configureScript(set *pkgs.Set) string {
	ids := make([]string, len(set.Packages))
	for i, p := range set.Packages {
		ids[i] = dpkgID(p)
	}
	return strings.ReplaceAll(configureTemplate, "@IDS@", strings.Join(ids, " "))
}

const configureTemplate = `set -eu
export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true LC_ALL=C LANG=C
export PATH=` + defaultPath + `
cd /var/lib/dpkg
for p in @IDS@; do cat "cairn-status/$p"; done > status
rm -rf cairn-status
arch=$(dpkg --print-architecture)
for p in @IDS@; do
  if [ -x "info/$p.preinst" ]; then
    DPKG_MAINTSCRIPT_PACKAGE=${p%%:*} DPKG_MAINTSCRIPT_ARCH=$arch DPKG_MAINTSCRIPT_NAME=preinst \
      DPKG_MAINTSCRIPT_PACKAGE_REFCOUNT=1 DPKG_ROOT= "info/$p.preinst" install
  fi
done
if [ -e info/base-passwd.list ]; then dpkg --configure --force-depends base-passwd; fi
dpkg --configure -a
if command -v ldconfig >/dev/null; then ldconfig; fi
if [ -s /etc/machine-id ]; then : > /etc/machine-id; fi
rm -f /var/log/dpkg.log /var/log/alternatives.log /var/log/bootstrap.log /var/cache/ldconfig/aux-cache \
  /var/lib/dpkg/*-old /var/cache/debconf/*-old
rm -rf /var/log/apt/* /var/cache/apt/*.bin /tmp/* /var/tmp/*
`
