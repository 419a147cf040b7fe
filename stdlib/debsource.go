package stdlib

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

var debSourceBuiltin = Builtin{
	Name:    "deb_source",
	Summary: "A Debian source package from a signed archive, unpacked by dpkg-source and patched.",
	Params: []Param{
		{Name: "name", Type: "string", Doc: `source package name, "name=version" pins a version`},
		{Name: "repos", Type: "list of repo", Doc: "repositories whose Sources indexes list it (see `repo.deb`); the highest version wins"},
		{Name: "patches", Type: "list of string or artifact", Default: "[]", Doc: "patch files (project paths or one-file artifacts; unified diffs or `git format-patch` mails) applied in order with `patch -p1` on top of the unpacked source"},
	},
	Returns: "artifact: the unpacked, patched source tree (debian/ included)",
	Doc: "The source is resolved at evaluation time from the repositories' `Sources` indexes (verified through the " +
		"signed Release, as `Packages` indexes are) or from `cairn.lock`, which records the version, every file's " +
		"SHA-256 and the build dependencies. The `.dsc` and its files are downloads pinned by those hashes; the real " +
		"`dpkg-source -x` unpacks them inside the build (formats `3.0 (quilt)`, `3.0 (native)` and `1.0`), in a " +
		"tools root of `dpkg-dev` from bookworm. A patch that does not apply fails the step naming the patch, the " +
		"hunks `patch` rejected and this call's recipe line. Every file is stamped with SOURCE_DATE_EPOCH. The " +
		"result is an artifact of its own, so a target can ask \"does this series still apply\" without building.",
	Example: `src = deb_source("hello", repos = [debian], patches = ["patches/greeting.patch"])`,
	fn:      debSourceFn,
}

// debSourceNode is a source package to fetch, unpack and patch.
type debSourceNode struct {
	at
	req     pkgs.SourceRequest
	patches []*Artifact
	names   []string // the patches' names, for messages
}

func debSourceFn(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	var name string
	var repos, patches *starlark.List
	if err := starlark.UnpackArgs(b.Name(), args, kwargs, "name", &name, "repos", &repos, "patches?", &patches); err != nil {
		return nil, err
	}
	n := &debSourceNode{at: at{callPos(t)}}
	n.req.Name, n.req.Version, _ = strings.Cut(name, "=")
	if err := checkPackageNames("deb_source", []string{name}); err != nil {
		return nil, errParam("deb_source", "name", quote(name), `a source package name like "hello" or "hello=2.10-3"`)
	}
	rn := &rootfsNode{call: "deb_source"}
	if err := rn.setRepos(repos); err != nil {
		return nil, err
	}
	n.req.Repos = rn.repos
	if err := n.setPatches(t, patches); err != nil {
		return nil, err
	}
	return newArtifact(n, "deb_source("+quote(name)+")"), nil
}

// setPatches takes project paths (checked now) and one-file artifacts.
func (n *debSourceNode) setPatches(t *starlark.Thread, l *starlark.List) error {
	if l == nil {
		return nil
	}
	for i := 0; i < l.Len(); i++ {
		a, name, err := oneFile(t, n.at, "deb_source", "patches", l.Index(i),
			"a patch file: a project path or an artifact holding one file (local(\"x.patch\"), http(...))")
		if err != nil {
			return err
		}
		n.patches, n.names = append(n.patches, a), append(n.names, name)
	}
	return nil
}

// oneFile takes a project path (checked now, named by itself) or an
// artifact holding one file (named by the file) for a list parameter that
// wants files: patches, config fragments.
func oneFile(t *starlark.Thread, pos at, fn, param string, v starlark.Value, want string) (*Artifact, string, error) {
	if s, ok := starlark.AsString(v); ok {
		st, err := stateOf(t)
		if err != nil {
			return nil, "", err
		}
		info, err := fs.Stat(st.project, s)
		if err == nil && !info.Mode().IsRegular() {
			err = errors.New("not a regular file")
		}
		if err != nil {
			return nil, "", errProjectPath(st.project, fn, s, err)
		}
		return newFileArtifact(&localNode{at: pos, path: s}, "local("+quote(s)+")", path.Base(s)), s, nil
	}
	a := artifactArg{}
	if err := unpackIn(fn, param, &a, v); err != nil {
		return nil, "", err
	}
	if a.v.File() == "" {
		return nil, "", errParam(fn, param, a.v.String(), want)
	}
	return a.v, a.v.File(), nil
}

// resolve asks the compiler's package source for the source package.
func (c *Compiler) resolveSource(p syntax.Position, call string, req pkgs.SourceRequest) (*pkgs.SourcePackage, error) {
	sr, ok := c.packages.(pkgs.SourceResolver)
	if c.packages == nil || !ok {
		return nil, errAt(p, call, errNoPackageSource)
	}
	req.Target = c.target
	sp, err := sr.ResolveSource(c.ctx, req)
	if err != nil {
		return nil, errAt(p, call, err)
	}
	if sp.URL == "" {
		return nil, errAt(p, call, fmt.Errorf("%s: %w", sp, errNoURL(sp.Repo)))
	}
	if sp.Description(".dsc") == nil {
		return nil, errAt(p, call, fmt.Errorf("source package %s lists no .dsc file", sp))
	}
	return sp, nil
}

// sourceTools are what unpacking and building need besides the Essential
// set; a root of its own, so the image tools root stays as locked.
var sourceTools = []string{"dpkg-dev"}

func (c *Compiler) sourceToolsRoot(p syntax.Position) (llb.State, error) {
	if c.shared.sourceTools == nil {
		c.shared.sourceTools = &rootfsNode{at: at{p}, call: "deb_source", variant: "essential", mergedUsr: true, packages: sourceTools,
			repos: []pkgs.RepoSpec{{Type: "deb", Name: "debian", Suite: toolsSuite, Components: []string{"main"}}}}
	}
	return c.native().State(newArtifact(c.shared.sourceTools, "source tools"))
}

func (n *debSourceNode) compile(c *Compiler) (llb.State, error) {
	sp, err := c.resolveSource(n.p, "deb_source", n.req)
	if err != nil {
		return llb.State{}, err
	}
	tools, err := c.sourceToolsRoot(n.p)
	if err != nil {
		return llb.State{}, err
	}
	files := sourceFiles(c, n.p, sp)
	opts := []llb.RunOption{
		llb.Args([]string{"/bin/bash", "-c", unpackSourceScript(sp, n.names, c.epoch.String())}),
		llb.Network(pb.NetMode_NONE),
		llb.AddMount("/in", files, llb.Readonly),
		llb.WithCustomName(fmt.Sprintf("dpkg-source -x %s (%d patches)", sp, len(n.patches))),
		c.loc(n.p),
	}
	for i, a := range n.patches {
		st, err := c.State(a)
		if err != nil {
			return llb.State{}, err
		}
		opts = append(opts, llb.AddMount(fmt.Sprintf("/patches/%03d", i), st, llb.SourcePath("/"+a.File()), llb.Readonly))
	}
	es := tools.Run(opts...)
	return es.AddMount("/out", llb.Scratch()), nil
}

// sourceFiles downloads a source package's files, each pinned by its
// SHA-256, into one directory.
func sourceFiles(c *Compiler, p syntax.Position, sp *pkgs.SourcePackage) llb.State {
	var fa *llb.FileAction
	for _, f := range sp.Files {
		src := llb.HTTP(sp.URL+"/"+f.Name, llb.Checksum(digest.NewDigestFromEncoded(digest.SHA256, f.SHA256)),
			llb.Filename(f.Name), llb.WithCustomName("fetch "+f.Name), c.loc(p))
		cp := &llb.CopyInfo{ChownOpt: rootOwner()}
		if fa == nil {
			fa = llb.Copy(src, "/"+f.Name, "/"+f.Name, cp, c.created())
		} else {
			fa = fa.Copy(src, "/"+f.Name, "/"+f.Name, cp, c.created())
		}
	}
	return llb.Scratch().File(fa, llb.WithCustomName("source files of "+sp.String()), c.loc(p))
}

// unpackSourceScript unpacks with dpkg-source (signature not checked: the
// .dsc is pinned by the signed index's SHA-256), applies the patches in
// order and stamps every file with the epoch. The script holds no recipe
// position (the error's source map gives it): a position spells the
// recipe's path, which would make the step's cache key differ between
// checkouts, and between cairn build and the frontend.
func unpackSourceScript(sp *pkgs.SourcePackage, names []string, epoch string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "set -eu\nexport PATH="+defaultPath+" LC_ALL=C.UTF-8\ncd /in\ndpkg-source --no-check --no-copy -x %s /tmp/src >/tmp/unpack.log 2>&1 || { cat /tmp/unpack.log; exit 1; }\n",
		shellQuote(sp.Description(".dsc").Name))
	for i, name := range names {
		fmt.Fprintf(&b, "echo %s\n", shellQuote("cairn: applying patch "+name))
		fmt.Fprintf(&b, "if ! patch -d /tmp/src -p1 --forward --batch --no-backup-if-mismatch -i /patches/%03d >/tmp/patch.log 2>&1; then\n"+
			"  cat /tmp/patch.log\n  echo %s >&2\n  exit 1\nfi\ncat /tmp/patch.log\n", i,
			shellQuote(fmt.Sprintf("cairn: deb_source: patch %s (patches[%d]) does not apply to %s: see the hunks marked FAILED above", name, i, sp)))
	}
	fmt.Fprintf(&b, "cp -a /tmp/src/. /out/\nfind /out -exec touch -h -d @%s {} +\n", epoch)
	return b.String()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
