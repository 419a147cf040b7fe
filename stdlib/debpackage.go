package stdlib

import (
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	"go.starlark.net/starlark"
)

var debPackageBuiltin = Builtin{
	Name:    "deb_package",
	Summary: "Binary .deb packages built from a Debian source with the real dpkg-buildpackage, inside BuildKit.",
	Params: []Param{
		{Name: "source", Type: "artifact", Doc: "a `deb_source()` (its build dependencies come from the archive's index, or from `cairn.lock`), or a `local()` tree with a `debian/` directory (read while the recipe is evaluated)"},
		{Name: "repos", Type: "list of repo", Doc: "repositories the build root and the build dependencies are installed from; a `repo.deb(tree = apt_repo(...))` among them lets packages built in the recipe satisfy build dependencies (the build then follows theirs)"},
		{Name: "arch", Type: "string", Default: "the build's platform", Doc: "host architecture of the packages, as in rootfs(); a foreign one is cross-built (see `cross`)"},
		{Name: "profiles", Type: "list of string", Default: "[]", Doc: `build profiles (DEB_BUILD_PROFILES), e.g. ["nocheck"]; they also select the build dependencies (<!nocheck>)`},
		{Name: "options", Type: "list of string", Default: "[]", Doc: `DEB_BUILD_OPTIONS, e.g. ["nocheck", "parallel=2"]`},
		{Name: "version_suffix", Type: "string", Default: `""`, Doc: `appended to the version in a new debian/changelog entry (by the last entry's maintainer, dated one second after it), e.g. "+cairn1"`},
		{Name: "indep", Type: "bool", Default: "None", Doc: "also build the Architecture: all packages; default: when the source has any and `arch` is the engine's own"},
		{Name: "cross", Type: "bool", Default: "None", Doc: "build a foreign `arch` with the engine's own compilers (`crossbuild-essential-ARCH`, `dpkg-buildpackage --host-arch ARCH`, profiles `cross` and `nocheck`) rather than in an `arch` root under qemu-user (False); default: True when `arch` is not the engine's own. Host build dependencies are met by Multi-Arch: foreign packages of the engine's architecture or installed as `arch` Multi-Arch: same packages beside them; the lock names one that is neither: build that package with `cross = False`"},
	},
	Returns: "artifact: the .deb files, the .buildinfo, the .changes and build.log",
	Doc: "The build root is a rootfs of the Essential set, `build-essential`, `fakeroot` and the source's " +
		"Build-Depends (plus -Arch and -Indep as built), evaluated for the architecture and profiles as " +
		"dpkg-checkbuilddeps does and resolved by cairn's resolver: a request of its own in `cairn.lock`. " +
		"`dpkg-buildpackage -us -uc` (-B, -A or -b by what is built) runs as an unprivileged build user with " +
		"`fakeroot`, without network, with SOURCE_DATE_EPOCH taken from debian/changelog as dpkg does. The step " +
		"is cached on the source, the build root and the options: changing a patch rebuilds this package and what " +
		"uses it, nothing else.",
	Example: `hello = deb_package(source = deb_source("hello", repos = [debian]), repos = [debian], options = ["nocheck"])`,
	fn:      debPackageFn,
}

type debPackageNode struct {
	at
	source   *Artifact
	src      *debSourceNode      // a source from the archive, or
	static   *pkgs.SourcePackage // what a local() tree's debian/ says, or
	git      *gitNode            // a git() tree, read at its pinned commit
	repos    []pkgs.RepoSpec
	trees    map[string]*Artifact // built repositories among repos (apt_repo())
	arch     string
	profiles []string
	options  []string
	suffix   string
	indep    *bool
	cross    *bool
}

func debPackageFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	src := artifactArg{}
	var repos *starlark.List
	profiles, options := stringList{}, stringList{}
	var archV starlark.Value = starlark.None
	var suffix string
	indep, cross := optBool{}, optBool{}
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "source", &src, "repos", &repos, "arch?", &archV,
		"profiles?", &profiles, "options?", &options, "version_suffix?", &suffix, "indep?", &indep, "cross?", &cross); err != nil {
		return nil, err
	}
	ds, _ := src.v.node.(*debSourceNode)
	var static *pkgs.SourcePackage
	if ln, ok := src.v.node.(*localNode); ok && ds == nil {
		st, err := stateOf(t)
		if err != nil {
			return nil, err
		}
		if static, err = readDebianTree(st.project, ln.path); err != nil {
			return nil, errParam("deb_package", "source", src.v.String(), "a tree with a debian/ directory: "+err.Error())
		}
	}
	gn, _ := src.v.node.(*gitNode)
	if ds == nil && static == nil && gn == nil {
		return nil, errParam("deb_package", "source", src.v.String(), "a deb_source(...), or a local() or git() tree with a debian/ directory")
	}
	rn := &rootfsNode{call: "deb_package"}
	if err := rn.setRepos(repos); err != nil {
		return nil, err
	}
	if err := rn.setArch(archV); err != nil {
		return nil, err
	}
	// The suffix, profiles and options go into the build's shell script:
	// Debian's version syntax and single words keep them inert there.
	if suffix != "" && deb.ValidVersion("0"+suffix) != nil || strings.Contains(suffix, ":") {
		return nil, errParam("deb_package", "version_suffix", quote(suffix), `characters allowed in a Debian version, e.g. "+cairn1"`)
	}
	for _, l := range []struct {
		param string
		words []string
	}{{"profiles", profiles.v}, {"options", options.v}} {
		for _, w := range l.words {
			if w == "" || strings.ContainsAny(w, " \t\n'\"$`\\;&|<>(){}") {
				return nil, errParam("deb_package", l.param, quote(w), `single words like "nocheck" or "parallel=2"`)
			}
		}
	}
	n := &debPackageNode{at: at{callPos(t)}, source: src.v, src: ds, static: static, git: gn, repos: rn.repos, trees: rn.trees, arch: rn.arch,
		profiles: profiles.v, options: options.v, suffix: suffix}
	if indep.set {
		n.indep = &indep.v
	}
	if cross.set {
		n.cross = &cross.v
	}
	return newArtifact(n, "deb_package("+n.name()+")"), nil
}

// name is the source package's name (for a git() tree, its URL until the
// tree is read).
func (n *debPackageNode) name() string {
	switch {
	case n.static != nil:
		return n.static.Name
	case n.git != nil:
		return n.git.url
	}
	return n.src.req.Name
}

// sourcePackage is what the source says of itself: the archive's index
// entry (resolved or locked), or the local tree's debian/.
func (n *debPackageNode) sourcePackage(c *Compiler) (*pkgs.SourcePackage, error) {
	switch {
	case n.static != nil:
		return n.static, nil
	case n.git != nil:
		return c.resolveGitTree(n)
	}
	return c.resolveSource(n.p, "deb_package", n.src.req)
}

// A plan is how one deb_package() builds: for which host architecture, on
// which build architecture, with which profiles and options.
type plan struct {
	host, build string // Debian architectures; they differ in a cross build
	cross       bool
	profiles    []string
	options     []string
	deb.BuildFor
}

// plan decides the architectures, whether to cross-build, and which of the
// source's packages this build makes.
func (n *debPackageNode) plan(c *Compiler, sp *pkgs.SourcePackage) (plan, error) {
	build, err := debArchOf(c.helper.Platform)
	if err != nil {
		return plan{}, errAt(n.p, "deb_package", err)
	}
	pl := plan{host: n.arch, build: build, profiles: n.profiles, options: n.options}
	if pl.host == "" {
		if pl.host, err = debArchOf(c.platform); err != nil {
			return plan{}, errAt(n.p, "deb_package", err)
		}
	}
	pl.cross = pl.host != build && (n.cross == nil || *n.cross)
	if !pl.cross {
		pl.build = pl.host // emulated when foreign: the build runs as the host
	} else {
		// As sbuild cross-builds: the cross profile, and no tests, which
		// the build machine cannot run.
		pl.profiles = appendNew(appendNew(pl.profiles, "cross"), "nocheck")
		pl.options = appendNew(pl.options, "nocheck")
	}
	pl.BuildFor = deb.BuildFor{Arch: pl.host, Profiles: pl.profiles}
	for _, a := range strings.Fields(sp.Architecture) {
		switch {
		case a == "all":
			pl.All = build == pl.host
		case deb.ArchMatches(a, pl.host):
			pl.Any = true
		}
	}
	if n.indep != nil {
		pl.All = *n.indep && strings.Contains(" "+sp.Architecture+" ", " all ")
	}
	return pl, nil
}

func appendNew(l []string, s string) []string {
	if contains(l, s) {
		return l
	}
	return append(append([]string(nil), l...), s)
}

// buildDepends are the clauses the build root must meet. In a cross build
// they are the host architecture's, as dpkg-checkbuilddeps -a reads them:
// an unqualified relation is met by a host package or a Multi-Arch: foreign
// one (the resolver's rule for a foreign qualifier), ":native" by a build
// architecture package.
func (pl plan) buildDepends(sp *pkgs.SourcePackage) ([]string, error) {
	clauses, err := deb.BuildDepends(sp, pl.BuildFor)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(clauses))
	for _, cl := range clauses {
		if pl.cross {
			cl = append(pkgs.Alternatives(nil), cl...)
			for i, r := range cl {
				switch r.Arch {
				case "":
					cl[i].Arch = pl.host
				case "native":
					cl[i].Arch = ""
				}
			}
		}
		out = append(out, cl.String())
	}
	return out, nil
}

func (n *debPackageNode) compile(c *Compiler) (llb.State, error) {
	sp, err := n.sourcePackage(c)
	if err != nil {
		return llb.State{}, err
	}
	pl, err := n.plan(c, sp)
	if err != nil {
		return llb.State{}, err
	}
	if !pl.Any && !pl.All {
		return llb.State{}, errAt(n.p, "deb_package", fmt.Errorf("%s builds for %q, nothing for %s", sp, sp.Architecture, pl.host))
	}
	c.recordBuilt("deb", sp.String(), n.p, "for "+pl.host)
	depends, err := pl.buildDepends(sp)
	if err != nil {
		return llb.State{}, errAt(n.p, "deb_package", fmt.Errorf("%s: build dependencies: %w", sp, err))
	}
	root := &rootfsNode{at: n.at, call: "deb_package", variant: "essential", mergedUsr: true, arch: pl.build,
		packages: []string{"build-essential", "fakeroot"}, repos: n.repos, trees: n.trees, depends: depends}
	what := pl.host
	if pl.cross {
		root.packages = append(root.packages, "crossbuild-essential-"+pl.host)
		root.host = pl.host
		what = pl.host + ", cross-built on " + pl.build
	}
	rootSt, err := c.State(newArtifact(root, "build root of "+sp.String()))
	if err != nil {
		return llb.State{}, err
	}
	srcSt, err := c.State(n.source)
	if err != nil {
		return llb.State{}, err
	}
	es := rootSt.Run(
		llb.Args([]string{"/bin/bash", "-c", n.script(sp, pl)}),
		llb.AddMount("/cairn/src", srcSt, llb.Readonly),
		llb.Network(pb.NetMode_NONE),
		llb.Platform(debArches[pl.build]),
		llb.WithCustomName(fmt.Sprintf("dpkg-buildpackage %s (%s)", sp, what)),
		c.loc(n.p))
	return es.AddMount("/out", llb.Scratch()), nil
}

// script builds as Debian's buildds do: a build user, fakeroot, the
// source in /build/NAME-VERSION, then the results and the log in /out.
func (n *debPackageNode) script(sp *pkgs.SourcePackage, pl plan) string {
	flag := "-b"
	switch {
	case pl.Any && !pl.All:
		flag = "-B"
	case pl.All && !pl.Any:
		flag = "-A"
	}
	if pl.cross {
		flag += " --host-arch=" + pl.host
	}
	upstream := sp.Version
	if i := strings.IndexByte(upstream, ':'); i >= 0 {
		upstream = upstream[i+1:]
	}
	if i := strings.LastIndexByte(upstream, '-'); i >= 0 {
		upstream = upstream[:i]
	}
	dir := "/build/" + sp.Name + "-" + upstream
	foreign := ""
	if pl.cross {
		foreign = pl.host
	}
	r := strings.NewReplacer("@DIR@", dir, "@SUFFIX@", n.suffix, "@NAME@", sp.Name, "@FLAG@", flag,
		"@OPTIONS@", strings.Join(pl.options, " "), "@PROFILES@", strings.Join(pl.profiles, " "),
		"@PATH@", defaultPath, "@FOREIGN@", foreign)
	return r.Replace(buildTemplate)
}

const buildTemplate = `set -euo pipefail
export PATH=@PATH@ LC_ALL=C.UTF-8
mkdir -p /build /out
cp -a /cairn/src @DIR@
cd @DIR@
if [ -n "@SUFFIX@" ]; then
  v=$(dpkg-parsechangelog -S Version); d=$(dpkg-parsechangelog -S Distribution)
  who=$(dpkg-parsechangelog -S Maintainer); when=$(date -R -u -d "@$(( $(dpkg-parsechangelog -S Timestamp) + 1 ))")
  { printf '%s (%s@SUFFIX@) %s; urgency=medium\n\n  * Rebuilt by cairn.\n\n -- %s  %s\n\n' @NAME@ "$v" "$d" "$who" "$when"
    cat debian/changelog; } > /tmp/changelog
  cat /tmp/changelog > debian/changelog
fi
echo 'cairn-build:x:1000:1000:cairn build user:/build:/bin/bash' >> /etc/passwd
echo 'cairn-build:x:1000:' >> /etc/group
if [ -n "@FOREIGN@" ]; then dpkg --add-architecture @FOREIGN@; fi
chown -R 1000:1000 /build /out
set +e
env -i PATH=@PATH@ HOME=/build LC_ALL=C.UTF-8 TZ=UTC DEB_BUILD_OPTIONS="@OPTIONS@" DEB_BUILD_PROFILES="@PROFILES@" \
  setpriv --reuid=1000 --regid=1000 --clear-groups \
  dpkg-buildpackage -us -uc @FLAG@ -rfakeroot 2>&1 | tee /out/build.log
status=${PIPESTATUS[0]}
set -e
if [ "$status" != 0 ]; then
  echo "cairn: dpkg-buildpackage of @NAME@ failed (exit $status); the whole log is build.log" >&2
  exit "$status"
fi
cd /build
cp *.deb *.buildinfo *.changes /out/
chown -R 0:0 /out
epoch=$(dpkg-parsechangelog -l @DIR@/debian/changelog -S Timestamp)
find /out -exec touch -h -d "@$epoch" {} +
`
