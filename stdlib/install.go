package stdlib

import (
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
)

// packageSet asks the compiler's package source for a rootfs node's set
// and remembers it for SBOMs.
func (c *Compiler) packageSet(n *rootfsNode, arch string) (*pkgs.Set, error) {
	if c.packages == nil {
		return nil, errAt(n.p, n.call, errNoPackageSource)
	}
	req := n.request(arch)
	req.Target = c.target
	if len(n.trees) > 0 {
		var err error
		if req.Repos, err = c.withCandidates(n, arch); err != nil {
			return nil, err
		}
	}
	set, err := c.packages.Resolve(c.ctx, req)
	if err != nil {
		return nil, errAt(n.p, n.call, err)
	}
	c.shared.sets[setKey{n, arch}] = set
	c.checkConsole(n, set)
	return set, nil
}

type setKey struct {
	n    *rootfsNode
	arch string
}

// installed is the configured system: a base layer, one unpacked layer per
// package (merged in name order, so the later name wins a path both ship),
// then the configure step. A set with a base part (pkgs.Set.Base) is
// installed in two such stages, the recipe's packages configured on top of
// the configured variant, as `apt install` on an existing system: adding a
// package then redoes the second stage only, and every rootfs of the same
// variant shares the first. A cold build takes the same two stages, so the
// bytes do not depend on what was built before.
func (c *Compiler) installed(n *rootfsNode, arch string, set *pkgs.Set) (llb.State, error) {
	parts := [][]pkgs.Locked{set.Packages}
	if set.Base > 0 && set.Base < len(set.Packages) {
		parts = [][]pkgs.Locked{set.Packages[:set.Base], set.Packages[set.Base:]}
	}
	root := c.baseLayer(arch, n.mergedUsr)
	for i, part := range parts {
		pkgLayers, err := c.debLayers(n, byName(part))
		if err != nil {
			return llb.State{}, err
		}
		what := fmt.Sprintf("%d packages (%s)", len(part), arch)
		if len(parts) > 1 {
			what = fmt.Sprintf("%d %s packages (%s)", len(part), [...]string{"base", "added"}[i], arch)
		}
		merged := llb.Merge(append([]llb.State{root}, pkgLayers...), llb.WithCustomName("merge "+what), c.loc(n.p))
		root = merged.Run(
			llb.Args([]string{"/bin/sh", "-c", configureScript(part, arch, i > 0)}),
			llb.AddEnv("SOURCE_DATE_EPOCH", fmt.Sprint(c.epoch)),
			llb.Network(pb.NetMode_NONE),
			llb.Platform(debArches[arch]),
			llb.WithCustomName("configure "+what),
			c.loc(n.p)).Root()
	}
	return root, nil
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

// unpackGroups is how many exec steps unpack one architecture's packages.
// Starting a container costs more than unpacking a small package, so
// packages are unpacked in groups, each package still into its own layer
// (an output mount of the group's step). A package's group follows from
// its SHA-256 and architecture, so adding or changing one package re-runs
// only its group, and the Architecture: all groups are the same ops for
// every platform.
const unpackGroups = 8

// debLayers returns one unpacked layer per package, in the given order.
func (c *Compiler) debLayers(n *rootfsNode, ps []pkgs.Locked) ([]llb.State, error) {
	groups := map[string][]int{}
	var keys []string
	for i, p := range ps {
		k := fmt.Sprintf("%s/%d", p.Arch, groupOf(p))
		switch {
		case n.trees[p.Repo] != nil:
			k = "built " + p.Repo + "/" + p.Arch
		case p.URL == "":
			return nil, errAt(n.p, n.call, fmt.Errorf("%s: %w", p.Name, errNoURL(p.Repo)))
		}
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	sort.Strings(keys)
	out := make([]llb.State, len(ps))
	for _, k := range keys {
		members := make([]pkgs.Locked, len(groups[k]))
		for j, i := range groups[k] {
			members[j] = ps[i]
		}
		states, err := c.unpackGroup(n, k, members)
		if err != nil {
			return nil, err
		}
		for j, i := range groups[k] {
			out[i] = states[j]
		}
	}
	return out, nil
}

func groupOf(p pkgs.Locked) int {
	if len(p.SHA256) < 2 {
		return 0
	}
	b, err := hex.DecodeString(p.SHA256[:2])
	if err != nil || len(b) == 0 {
		return 0
	}
	return int(b[0]) % unpackGroups
}

// unpackGroup is one exec step of the helper: each package file, an HTTP
// source pinned by SHA-256 (downloaded once whatever uses it), mounted
// read-only, and unpacked into its own output mount.
func (c *Compiler) unpackGroup(n *rootfsNode, group string, ps []pkgs.Locked) ([]llb.State, error) {
	key := fmt.Sprintf("unpack %v", n.mergedUsr)
	for _, p := range ps {
		key += " " + p.SHA256
		if n.trees[p.Repo] != nil {
			key += fmt.Sprintf(" %p:%s", n.trees[p.Repo].node, p.Filename)
		}
	}
	if sts, ok := c.shared.groups[key]; ok {
		return sts, nil
	}
	root, err := c.helperState(n.call)
	if err != nil {
		return nil, errAt(n.p, "", err)
	}
	req := request.DebUnpack{Epoch: c.epoch, MergedUsr: n.mergedUsr}
	var mounts []llb.RunOption
	for i, p := range ps {
		file := path.Base(p.Filename)
		dir := fmt.Sprintf("/deb/%d", i)
		if tree := n.trees[p.Repo]; tree != nil {
			// Built in this build: taken from the repository's tree.
			st, err := c.State(tree)
			if err != nil {
				return nil, err
			}
			mounts = append(mounts, llb.AddMount(dir, st, llb.SourcePath("/"+path.Dir(p.Filename)), llb.Readonly))
			req.Packages = append(req.Packages, request.Deb{File: dir + "/" + file, Out: fmt.Sprintf("/out/%d", i)})
			continue
		}
		deb := llb.HTTP(p.URL, llb.Checksum(digest.NewDigestFromEncoded(digest.SHA256, p.SHA256)),
			llb.Filename(file), llb.WithCustomName("fetch "+file), c.loc(n.p))
		mounts = append(mounts, llb.AddMount(dir, deb, llb.Readonly))
		req.Packages = append(req.Packages, request.Deb{File: dir + "/" + file, Out: fmt.Sprintf("/out/%d", i)})
	}
	args, err := request.Args(helperPath, req)
	if err != nil {
		return nil, errAt(n.p, "", err)
	}
	opts := append(mounts, llb.Args(args), llb.Network(pb.NetMode_NONE), llb.Platform(c.helper.Platform),
		llb.WithCustomName(fmt.Sprintf("unpack %d packages (%s): %s", len(ps), group, names(ps))), c.loc(n.p))
	es := root.Run(opts...)
	sts := make([]llb.State, len(ps))
	for i := range ps {
		sts[i] = es.AddMount(fmt.Sprintf("/out/%d", i), llb.Scratch())
	}
	c.shared.groups[key] = sts
	return sts, nil
}

func names(ps []pkgs.Locked) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return strings.Join(out, " ")
}

// customize lays the recipe's files over the system, makes its accounts
// and runs its commands.
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
	root = n.accounts(c, root, arch)
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
// would not leave behind nondeterministically (logs, caches, *-old). On top
// of a configured system (onTop), the fragments are added to its status.
//
// A cross build's root also holds packages of another architecture, which
// dpkg accepts once it is told of it (dpkg --add-architecture).
func configureScript(ps []pkgs.Locked, arch string, onTop bool) string {
	ids := make([]string, len(ps))
	var foreign []string
	passwd := false
	for i, p := range ps {
		ids[i] = dpkgID(p)
		passwd = passwd || p.Name == "base-passwd"
		if p.Arch != "all" && p.Arch != arch && !contains(foreign, p.Arch) {
			foreign = append(foreign, p.Arch)
		}
	}
	script := configureTemplate
	if onTop {
		script = strings.Replace(script, ") > status\n", ") >> status\n", 1)
	}
	if !passwd {
		script = strings.Replace(script, passwdLine, "", 1)
	}
	if len(foreign) > 0 {
		add := ""
		for _, a := range foreign {
			add += "dpkg --add-architecture " + a + "\n"
		}
		script = strings.Replace(script, "arch=$(dpkg --print-architecture)\nfor p in @IDS@; do\n",
			add+"for p in @IDS@; do\n  arch=$(dpkg --print-architecture); case $p in *:*) arch=${p#*:} ;; esac\n", 1)
	}
	script = strings.ReplaceAll(script, "@N@", strconv.Itoa(len(ids)))
	return strings.ReplaceAll(script, "@IDS@", strings.Join(ids, " "))
}

// hostKeysScript keeps per-machine identities out of images: the SSH host
// keys openssh-server's postinst generated (random: every device would
// share them, and no two builds would match) are removed, a oneshot unit
// makes them at first boot before ssh.service (Debian's own units do not),
// and /usr/lib/cairn/removed-identities lists what was removed. A system
// without systemd runs ssh-keygen -A itself before sshd. (machine-id is
// emptied above: systemd's first-boot state.)
const hostKeysScript = `if ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1; then
  mkdir -p /usr/lib/cairn /etc/systemd/system/ssh.service.wants /etc/systemd/system/multi-user.target.wants
  ls /etc/ssh/ssh_host_*_key /etc/ssh/ssh_host_*_key.pub 2>/dev/null | sort >> /usr/lib/cairn/removed-identities
  rm -f /etc/ssh/ssh_host_*_key /etc/ssh/ssh_host_*_key.pub
  printf '%s\n' '[Unit]' 'Description=SSH host keys, made on first boot (cairn images carry none)' \
    'Before=ssh.service' 'ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key' '' \
    '[Service]' 'Type=oneshot' 'ExecStart=/usr/bin/ssh-keygen -A' '' \
    '[Install]' 'WantedBy=multi-user.target ssh.service' > /etc/systemd/system/cairn-ssh-host-keys.service
  ln -sf ../cairn-ssh-host-keys.service /etc/systemd/system/ssh.service.wants/cairn-ssh-host-keys.service
  ln -sf ../cairn-ssh-host-keys.service /etc/systemd/system/multi-user.target.wants/cairn-ssh-host-keys.service
  echo "cairn: removed the SSH host keys (made at first boot by cairn-ssh-host-keys.service; listed in /usr/lib/cairn/removed-identities)"
fi
`

// passwdLine configures base-passwd first: the other packages' scripts
// need its users and groups.
const passwdLine = "dpkg --configure --force-depends base-passwd\n"

const configureTemplate = `set -eu
export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true LC_ALL=C LANG=C
export PATH=` + defaultPath + `
cd /var/lib/dpkg
(cd cairn-status && cat @IDS@) > status
rm -rf cairn-status
arch=$(dpkg --print-architecture)
for p in @IDS@; do
  if [ -x "info/$p.preinst" ]; then
    DPKG_MAINTSCRIPT_PACKAGE=${p%%:*} DPKG_MAINTSCRIPT_ARCH=$arch DPKG_MAINTSCRIPT_NAME=preinst \
      DPKG_MAINTSCRIPT_PACKAGE_REFCOUNT=1 DPKG_ROOT= "info/$p.preinst" install
  fi
done
` + passwdLine + `# Progress for a configure that takes minutes (a foreign root under qemu-user).
(while sleep 20; do echo "cairn: configured $(grep -c ' status installed ' /var/log/dpkg.log 2>/dev/null) of @N@ packages"; done) &
progress=$!
dpkg --configure -a
kill $progress 2>/dev/null || true
if command -v ldconfig >/dev/null; then ldconfig; fi
if [ -s /etc/machine-id ]; then : > /etc/machine-id; fi
` + hostKeysScript + `rm -f /var/log/dpkg.log /var/log/alternatives.log /var/log/bootstrap.log /var/cache/ldconfig/aux-cache \
  /var/lib/dpkg/*-old /var/cache/debconf/*-old
rm -rf /var/log/apt/* /var/cache/apt/*.bin /tmp/* /var/tmp/*
`
