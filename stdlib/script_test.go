package stdlib

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"github.com/cairn-build/cairn/internal/host/llbdump"
	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/lang"
	"github.com/cairn-build/cairn/recipes"
	"github.com/moby/buildkit/client/llb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"go.starlark.net/lib/json"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarktest"
)

// Script tests: the behaviour and the error messages of each builtin are
// tested in Starlark, by testdata/scripts/NAME.star (NAME is the builtin's
// name, "repo.deb" as repo_deb), the way go.starlark.net tests its own
// builtins (starlark/testdata/*.star, run by TestExecFile). A script is a
// recipe: it runs with cairn's builtins, as the main file of a project
// holding testdata/scripts/project/ and a few symbolic links (see
// scriptProject), and it also sees
//
//   - assert: go.starlark.net's starlarktest module. assert.eq(x, y),
//     assert.ne, assert.true(cond, msg), assert.lt, assert.contains(x, y),
//     assert.fails(fn, pattern) (fn() must fail with a message matching the
//     regexp pattern) and assert.fail(msg).
//   - compile(artifact, platform = "linux/amd64", helper = True,
//     packages = True, git = None, contexts = []): the artifact's LLB as
//     the stable JSON of internal/host/llbdump, marshalled as a build would
//     (see scriptCompile), for errors found only when a target is compiled;
//     json.decode(compile(x)) reads it.
//   - targets(): the targets declared so far, as a dict of name to doc.
//   - json: go.starlark.net's json module.
//
// A failed assertion does not stop the script; it is reported with the
// Starlark backtrace, whose first line names the script's file and line.
// A script that stops with an error fails with that error's position.

// scriptDir holds the scripts; it is also their display prefix, so every
// position names the file to open.
const scriptDir = "testdata/scripts"

var (
	scriptPlatform = ocispecs.Platform{OS: "linux", Architecture: "amd64"}
	scriptHelper   = Helper{Platform: scriptPlatform, Binary: []byte("#!fake cairn-helper\n")}
)

func TestScripts(t *testing.T) {
	scripts := scriptFiles(t)
	proj := scriptProject(t, scripts)
	for _, name := range scripts {
		t.Run(strings.TrimSuffix(name, ".star"), func(t *testing.T) { runScript(t, proj, name) })
	}
}

// TestScriptsCoverBuiltins: every builtin of the table has its script, and
// every script is named after a builtin.
func TestScriptsCoverBuiltins(t *testing.T) {
	have := map[string]bool{}
	for _, name := range scriptFiles(t) {
		have[name] = true
	}
	for _, b := range Builtins() {
		name := strings.ReplaceAll(b.Name, ".", "_") + ".star"
		if !have[name] {
			t.Errorf("builtin %s has no script %s/%s", b.Name, scriptDir, name)
		}
		delete(have, name)
	}
	for name := range have {
		t.Errorf("%s/%s is named after no builtin", scriptDir, name)
	}
}

func scriptFiles(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(scriptDir, "*.star"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scripts in %s (%v)", scriptDir, err)
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	return names
}

// scriptProject makes the project the scripts run in, opened as the CLI
// opens one (an os.Root): the scripts, testdata/scripts/project/, and in
// links/ symbolic links that leave the project (out, secret, abs), one
// that stays inside (good) and one to nothing (dangling).
func scriptProject(t *testing.T, scripts []string) fs.FS {
	t.Helper()
	top := t.TempDir()
	dir, outside := filepath.Join(top, "project"), filepath.Join(top, "outside")
	check := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	check(os.CopyFS(dir, os.DirFS(filepath.Join(scriptDir, "project"))))
	for _, name := range scripts {
		data, err := os.ReadFile(filepath.Join(scriptDir, name))
		check(err)
		check(os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	check(os.Mkdir(outside, 0o755))
	check(os.WriteFile(filepath.Join(outside, "secret"), []byte("x\n"), 0o644))
	check(os.Mkdir(filepath.Join(dir, "links"), 0o755))
	for link, target := range map[string]string{
		"out": "../../outside", "secret": "../../outside/secret", "abs": filepath.Join(outside, "secret"),
		"good": "../hello.txt", "dangling": "nothere",
	} {
		check(os.Symlink(target, filepath.Join(dir, "links", link)))
	}
	root, err := os.OpenRoot(dir)
	check(err)
	t.Cleanup(func() { root.Close() })
	return root.FS()
}

// runScript evaluates one script as Evaluate evaluates a recipe, with
// assert and compile besides the builtins.
func runScript(t *testing.T, proj fs.FS, name string) {
	assert, err := starlarktest.LoadAssertModule()
	if err != nil {
		t.Fatal(err)
	}
	st := &evalState{project: proj, targets: map[string]*Target{}}
	r := &Recipe{File: scriptDir + "/" + name, targets: st.targets}
	predeclared := Universe()
	predeclared["assert"] = assert["assert"]
	predeclared["compile"] = starlark.NewBuiltin("compile", scriptCompile(r))
	predeclared["targets"] = starlark.NewBuiltin("targets", scriptTargets(r))
	predeclared["json"] = json.Module
	ev := lang.New(lang.Options{
		Project:     proj,
		Display:     scriptDir,
		Library:     recipes.FS,
		Predeclared: predeclared,
		SetupThread: func(th *starlark.Thread) {
			th.SetLocal(stateKey, st)
			starlarktest.SetReporter(th, t)
		},
		Print: func(_ *starlark.Thread, msg string) { t.Log(msg) },
	})
	st.callStart, r.sources = ev.CallStart, ev.Source
	if _, err := ev.Load(name); err != nil {
		t.Error(err)
	}
}

// scriptCompile is the scripts' compile(): it marshals an artifact of r the
// way a build does, for linux/amd64 (or platform) at a fixed epoch, with a
// fake linux/amd64 helper (helper = False: a cairn built without one), a
// package source answering every request (packages = False: none; see
// scriptPackages), a git resolver pinning every ref to the commit git
// names (None: no resolver), and the named contexts given. With
// warnings = True it returns the compile's warnings instead.
func scriptCompile(r *Recipe) func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
	return func(t *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		a, plat, contexts := artifactArg{}, platformArg{}, stringList{}
		helper, packages, commit, warnings := true, true, "", false
		if err := starlark.UnpackArgs(b.Name(), args, kwargs, "artifact", &a, "platform?", &plat, "helper?", &helper,
			"packages?", &packages, "git?", &commit, "contexts?", &contexts, "warnings?", &warnings); err != nil {
			return nil, err
		}
		opts := CompileOptions{Platform: scriptPlatform, Epoch: 315532800, Contexts: map[string]llb.State{}}
		if plat.v != nil {
			opts.Platform = *plat.v
		}
		opts.Helper = Helper{Platform: scriptHelper.Platform}
		if helper {
			opts.Helper = scriptHelper
		}
		if packages {
			opts.Packages = scriptPackages{}
		}
		if commit != "" {
			opts.Git = scriptGit(commit)
		}
		for _, name := range contexts.v {
			opts.Contexts[name] = ContextLocal(name)
		}
		c := r.NewCompiler(opts)
		def, err := c.Marshal(context.Background(), a.v)
		if err != nil {
			return nil, err
		}
		if warnings {
			var ws []starlark.Value
			for _, w := range c.Warnings() {
				ws = append(ws, starlark.String(w.String()))
			}
			return starlark.NewList(ws), nil
		}
		var out bytes.Buffer
		if err := llbdump.JSON(&out, def); err != nil {
			return nil, err
		}
		return starlark.String(out.String()), nil
	}
}

// scriptTargets is the scripts' targets().
func scriptTargets(r *Recipe) func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
	return func(_ *starlark.Thread, b *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		if err := starlark.UnpackArgs(b.Name(), args, kwargs); err != nil {
			return nil, err
		}
		d := starlark.NewDict(len(r.targets))
		for _, tg := range r.Targets() {
			if err := d.SetKey(starlark.String(tg.Name), starlark.String(tg.Doc)); err != nil {
				return nil, err
			}
		}
		return d, nil
	}
}

// scriptPackages resolves a request to base-files and the requested
// packages (a "name=version" pin keeps its version), each of the requested
// architecture from the first repository, with a digest of its file name.
// A package named nourl* has no download URL, as when no mirror is
// configured.
type scriptPackages struct{}

func (scriptPackages) Resolve(_ context.Context, req pkgs.Request) (*pkgs.Set, error) {
	set := &pkgs.Set{}
	names := append([]string{"base-files"}, req.Packages...)
	for _, clause := range req.Depends { // the first alternative's name, for scripts to find
		name, _, _ := strings.Cut(strings.Fields(clause)[0], ":")
		names = append(names, name)
	}
	for _, p := range names {
		name, version, ok := strings.Cut(p, "=")
		if !ok {
			version = "1.0"
		}
		if c := builtCandidate(req, name); c != nil { // from a repository the recipe builds
			set.Packages = append(set.Packages, *c)
			continue
		}
		file := "pool/main/" + name[:1] + "/" + name + "/" + name + "_" + version + "_" + req.Arch + ".deb"
		url := "http://example.invalid/debian/" + file
		if strings.HasPrefix(name, "nourl") {
			url = ""
		}
		set.Packages = append(set.Packages, pkgs.Locked{Repo: req.Repos[0].Name, Suite: req.Repos[0].Suite, Arch: req.Arch,
			Name: name, Version: version, Filename: file, Size: 1000, SHA256: fmt.Sprintf("%x", sha256.Sum256([]byte(file))), URL: url})
	}
	return set, nil
}

// builtCandidate answers a package from a built repository's candidates
// for the request's architecture, if one has it.
func builtCandidate(req pkgs.Request, name string) *pkgs.Locked {
	for _, spec := range req.Repos {
		for _, c := range spec.Candidates {
			if c.Name == name && (c.Arch == req.Arch || c.Arch == "all") {
				return &pkgs.Locked{Repo: spec.Name, Suite: spec.Suite, Arch: c.Arch, Name: c.Name, Version: c.Version, Filename: c.Filename}
			}
		}
	}
	return nil
}

// ResolveSource answers a source request with a source package of that
// name (version 1.0-1 unless pinned) that builds for any architecture
// ("all" for names starting with indep, both for names starting with
// both) and has three build dependencies, one for nocheck builds only and
// one for arm64 only. Names starting with missing are not found; with
// nourl, there is no mirror.
func (scriptPackages) ResolveSource(_ context.Context, req pkgs.SourceRequest) (*pkgs.SourcePackage, error) {
	if strings.HasPrefix(req.Name, "missing") {
		return nil, fmt.Errorf("no source package %s in %s", req.Name, req.Repos[0].Name)
	}
	version := req.Version
	if version == "" {
		version = "1.0-1"
	}
	arch := "any"
	switch {
	case strings.HasPrefix(req.Name, "indep"):
		arch = "all"
	case strings.HasPrefix(req.Name, "both"):
		arch = "any all"
	}
	dir := "pool/main/" + req.Name[:1] + "/" + req.Name
	sp := &pkgs.SourcePackage{Repo: req.Repos[0].Name, Suite: req.Repos[0].Suite, Name: req.Name, Version: version,
		Format: "3.0 (quilt)", Binaries: []string{req.Name}, Architecture: arch, Directory: dir,
		BuildDepends:      "debhelper-compat (= 13), check-tool <!nocheck>, arm-only [arm64]",
		BuildDependsIndep: "indep-tool",
		URL:               "http://example.invalid/debian/" + dir}
	for _, f := range []string{req.Name + "_" + version + ".dsc", req.Name + "_1.0.orig.tar.gz", req.Name + "_" + version + ".debian.tar.xz"} {
		sp.Files = append(sp.Files, pkgs.SourceFile{Name: f, Size: 100, SHA256: fmt.Sprintf("%x", sha256.Sum256([]byte(f)))})
	}
	if strings.HasPrefix(req.Name, "nourl") {
		sp.URL = ""
	}
	return sp, nil
}

// ResolveTree reads the tree (no lock in scripts).
func (scriptPackages) ResolveTree(ctx context.Context, req pkgs.TreeRequest, read func(context.Context) (*pkgs.SourcePackage, error)) (*pkgs.SourcePackage, error) {
	return read(ctx)
}

// ReadFiles serves testdata/scripts/project/mypkg for every repository
// and commit.
func (g scriptGit) ReadFiles(_ context.Context, _ gitsrc.Request, _ string, paths []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, p := range paths {
		if b, err := os.ReadFile(filepath.Join(scriptDir, "project", "mypkg", p)); err == nil {
			out[p] = b
		}
	}
	return out, nil
}

// scriptGit pins every ref to one commit.
type scriptGit string

func (g scriptGit) Resolve(context.Context, gitsrc.Request) (gitsrc.Pin, error) {
	return gitsrc.Pin{Commit: string(g)}, nil
}

// TestBuiltinsOutsideEvaluate: the builtins that need the evaluation's
// project or targets say so when called from a thread Evaluate did not
// make, rather than crash. (Scripts always run inside one.)
func TestBuiltinsOutsideEvaluate(t *testing.T) {
	for _, call := range []string{
		`local("src")`, `keyring("keys/maintainers.asc")`, `target("t", scratch())`,
		`repo.deb(suite = "bookworm", keyring = "keys/maintainers.asc")`,
		`git("git@example.org:r.git", commit = "` + strings.Repeat("a", 40) + `", known_hosts = "known_hosts")`,
	} {
		_, err := starlark.ExecFile(&starlark.Thread{}, "outside.star", "x = "+call, Universe())
		if err == nil || !strings.Contains(err.Error(), errOutsideEvaluate.Error()) {
			t.Errorf("%s outside Evaluate: got %v, want %q", call, err, errOutsideEvaluate)
		}
	}
}
