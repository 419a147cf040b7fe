package main

// The gateway frontend (cmd/cairn-frontend) as CI runs it: its image built
// by `make frontend-image`, pushed to a real registry (Debian's
// docker-registry) on loopback, pulled by a buildkitd the test starts with
// that registry allowed, and driven by buildctl: by gateway.v0, through a
// `# syntax=` line read by the Dockerfile frontend, and from the OCI
// layout with no registry at all. `cairn build` runs on the same engine
// (--addr), so the tests check both the bytes and the shared cache.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/host/gitsrc/gittest"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
)

// frontendEnv is one registry, one engine and the frontend image.
type frontendEnv struct {
	ctl, addr      string
	image          string // in the registry
	layout, digest string // the OCI layout and its index digest
	cli            cairn
}

func TestFrontend(t *testing.T) {
	f := feStart(t)
	t.Run("SameBytesAndCacheAsCLI", f.testSameAsCLI)
	t.Run("Epoch", f.testEpoch)
	t.Run("MultiPlatform", f.testMultiPlatform)
	t.Run("SyntaxLine", f.testSyntaxLine)
	t.Run("OCILayout", f.testOCILayout)
	t.Run("ErrorsShowRecipeLine", f.testErrors)
	t.Run("LockedRootfs", f.testLockedRootfs)
	t.Run("NamedContext", f.testNamedContext)
	t.Run("Library", f.testLibrary)
	t.Run("FlagshipISO", f.testFlagshipISO)
	t.Run("Secret", f.testSecret)
	t.Run("CancelStopsEvaluation", f.testCancel)
}

// testSameAsCLI builds hello's targets with cairn, then with the frontend,
// and wants equal trees (modes, times, bytes) and the frontend's archive
// steps answered from the cache cairn filled.
func (f *frontendEnv) testSameAsCLI(t *testing.T) {
	proj := feCopyHello(t, "")
	cliOut := filepath.Join(t.TempDir(), "cli")
	f.cli.ok(t, "build", "-f", filepath.Join(proj, "cairn.star"), "--addr", f.addr, "-o", cliOut, "tree", "tarball", "initramfs")
	for _, target := range []string{"tree", "tarball", "initramfs"} {
		out := filepath.Join(t.TempDir(), target)
		r := f.build(t, "gateway.v0", proj, out, "--opt", "source="+f.image, "--opt", "target="+target, "--progress", "rawjson")
		feSameTree(t, filepath.Join(cliOut, target), out)
		if ran := feRanAgain(t, r); len(ran) > 0 {
			t.Errorf("%s: steps %q ran again: the frontend did not share cairn's cache", target, ran)
		}
	}
	out := filepath.Join(t.TempDir(), "nocache")
	r := f.build(t, "gateway.v0", proj, out, "--opt", "source="+f.image, "--opt", "target=tarball", "--opt", "no-cache=", "--progress", "rawjson")
	if ok, cached := feCached(t, r, "archive hello.tar (tar)"); !ok || cached {
		t.Errorf("with no-cache, the archive step ran: %v, from the cache: %v; want it run anew", ok, cached)
	}
	feSameTree(t, filepath.Join(cliOut, "tarball"), out)
}

// testEpoch passes SOURCE_DATE_EPOCH as a build argument.
func (f *frontendEnv) testEpoch(t *testing.T) {
	proj := feCopyHello(t, "")
	cliOut := filepath.Join(t.TempDir(), "cli")
	f.cli.with("SOURCE_DATE_EPOCH=1700000000").ok(t, "build", "-f", filepath.Join(proj, "cairn.star"), "--addr", f.addr, "-o", cliOut, "tree")
	out := filepath.Join(t.TempDir(), "fe")
	f.build(t, "gateway.v0", proj, out, "--opt", "source="+f.image, "--opt", "target=tree", "--opt", "build-arg:SOURCE_DATE_EPOCH=1700000000")
	checkTimes(t, out, 1700000000)
	feSameTree(t, filepath.Join(cliOut, "tree"), out)
}

func (f *frontendEnv) testMultiPlatform(t *testing.T) {
	proj := feCopyHello(t, "")
	cliOut := filepath.Join(t.TempDir(), "cli")
	f.cli.ok(t, "build", "-f", filepath.Join(proj, "cairn.star"), "--addr", f.addr, "-o", cliOut, "--platform", "linux/amd64,linux/arm64", "tarball")
	out := filepath.Join(t.TempDir(), "fe")
	f.build(t, "gateway.v0", proj, out, "--opt", "source="+f.image, "--opt", "target=tarball", "--opt", "platform=linux/amd64,linux/arm64")
	if _, err := os.Stat(filepath.Join(out, "linux_arm64", "hello.tar")); err != nil {
		t.Errorf("no per-platform output: %v", err)
	}
	feSameTree(t, filepath.Join(cliOut, "tarball"), out)
}

// testSyntaxLine hands the recipe to the Dockerfile frontend, which reads
// the `# syntax=` line and forwards the build to cairn's image.
func (f *frontendEnv) testSyntaxLine(t *testing.T) {
	proj := feCopyHello(t, "# syntax="+f.image+"\n")
	cliOut := filepath.Join(t.TempDir(), "cli")
	f.cli.ok(t, "build", "-f", filepath.Join(proj, "cairn.star"), "--addr", f.addr, "-o", cliOut, "tarball")
	out := filepath.Join(t.TempDir(), "fe")
	f.build(t, "dockerfile.v0", proj, out, "--opt", "filename=cairn.star", "--opt", "target=tarball")
	feSameTree(t, filepath.Join(cliOut, "tarball"), out)
}

// testOCILayout loads the frontend from the layout `make frontend-image`
// writes, through a named context: no registry involved.
func (f *frontendEnv) testOCILayout(t *testing.T) {
	proj := feCopyHello(t, "")
	cliOut := filepath.Join(t.TempDir(), "cli")
	f.cli.ok(t, "build", "-f", filepath.Join(proj, "cairn.star"), "--addr", f.addr, "-o", cliOut, "initramfs")
	out := filepath.Join(t.TempDir(), "fe")
	f.build(t, "gateway.v0", proj, out, "--oci-layout", "cairn-frontend="+f.layout,
		"--opt", "source=cairn-frontend", "--opt", "context:cairn-frontend=oci-layout://cairn-frontend@"+f.digest, "--opt", "target=initramfs")
	feSameTree(t, filepath.Join(cliOut, "initramfs"), out)
}

// testErrors checks that buildctl shows the failing recipe line, for an
// evaluation error, a failing step and a bad opt.
func (f *frontendEnv) testErrors(t *testing.T) {
	failing := fmt.Sprintf("target(\"bad\", run([\"/hello\", \"/out/x\", \"--fail\"], rootfs = local(%q), output = \"/out\"))\n", hostRootfs(t))
	cases := []struct {
		name, recipe string
		opts         []string
		want         []string
	}{
		{"evaluation", "x = 1\ntarget(\"t\", local(\"nope\"))\n", nil,
			[]string{"cairn.star:2", `>>> target("t", local("nope"))`, `local: "nope" does not exist`}},
		{"step", failing, nil, []string{">>> target(\"bad\", run(", "boom: deliberate failure"}},
		{"target", "target(\"a\", files({\"a\": \"\"}))\ntarget(\"b\", files({\"b\": \"\"}))\n", nil,
			[]string{"which target?", "--opt target=NAME"}},
		{"build-arg", "target(\"a\", files({\"a\": \"\"}))\n", []string{"--opt", "build-arg:FOO=1"},
			[]string{"build-arg:FOO", "SOURCE_DATE_EPOCH"}},
		{"budget", "load(\"@cairn//text.star\", \"text_file\")\n" + endlessRecipe, []string{"--opt", "max-steps=100000"},
			[]string{"evaluation stopped here after 100000 steps", "--opt max-steps=N", "cairn.star:"}},
	}
	for _, tc := range cases {
		proj := newProject(t, tc.recipe)
		args := append([]string{"--opt", "source=" + f.image}, tc.opts...)
		r := f.buildctl(t, append(f.buildArgs("gateway.v0", proj, t.TempDir()), args...)...)
		if r.code == 0 {
			t.Errorf("%s: buildctl succeeded, want a failure", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%s: buildctl's output lacks %q:\n%s", tc.name, w, clip(r.stderr))
			}
		}
	}
}

// testLockedRootfs builds a locked Debian rootfs: without a mirror opt the
// frontend names the recipe line and the opt; with it, it builds cairn's
// bytes from cairn's cache.
func (f *frontendEnv) testLockedRootfs(t *testing.T) {
	proj := lockedRootfsProject(t, f.cli)
	r := f.buildctl(t, append(f.buildArgs("gateway.v0", proj, t.TempDir()), "--opt", "source="+f.image, "--opt", "target=tar")...)
	// The error names the line of the tar target's rootfs() in the recipe.
	line := strings.Count(rootfsRecipe[:strings.Index(rootfsRecipe, `target("tar"`)], "\n") + 1
	for _, w := range []string{fmt.Sprintf("cairn.star:%d", line), "--opt mirror:debian=URL"} {
		if r.code == 0 || !strings.Contains(r.stderr, w) {
			t.Errorf("without a mirror: exit %d, want a failure naming %q:\n%s", r.code, w, clip(r.stderr))
		}
	}
	srcs, err := debrepo.ReadHostSources("/")
	mirror, ok := debrepo.MirrorFor(srcs, "bookworm")
	if err != nil || !ok {
		t.Skipf("the host's apt sources list no mirror for bookworm (%v)", err)
	}
	cliOut := filepath.Join(t.TempDir(), "cli")
	f.cli.ok(t, "build", "-f", filepath.Join(proj, "cairn.star"), "--addr", f.addr, "-o", cliOut, "--locked", "tar")
	out := filepath.Join(t.TempDir(), "fe")
	r = f.build(t, "gateway.v0", proj, out, "--opt", "source="+f.image, "--opt", "target=tar", "--opt", "mirror:debian="+mirror, "--progress", "rawjson")
	feSameTree(t, filepath.Join(cliOut, "tar"), out)
	if ran := feRanAgain(t, r); len(ran) > 0 {
		t.Errorf("steps %q ran again: the frontend did not share cairn's cache", ran)
	}
}

// testFlagshipISO builds the flagship example's bootable ISO with plain
// buildctl and the frontend image, as CI would: same bytes as cairn build,
// from cairn's cache.
func (f *frontendEnv) testFlagshipISO(t *testing.T) {
	srcs, err := debrepo.ReadHostSources("/")
	mirror, ok := debrepo.MirrorFor(srcs, "bookworm")
	if err != nil || !ok {
		t.Skipf("the host's apt sources list no mirror for bookworm (%v)", err)
	}
	proj := t.TempDir()
	if err := os.CopyFS(proj, os.DirFS(filepath.Dir(edgeExample))); err != nil {
		t.Fatal(err)
	}
	cliOut := filepath.Join(t.TempDir(), "cli")
	f.cli.ok(t, "build", "-f", filepath.Join(proj, "cairn.star"), "--addr", f.addr, "-o", cliOut, "--locked", "iso")
	out := filepath.Join(t.TempDir(), "fe")
	r := f.build(t, "gateway.v0", proj, out, "--opt", "source="+f.image, "--opt", "target=iso", "--opt", "mirror:debian="+mirror, "--progress", "rawjson")
	feSameTree(t, filepath.Join(cliOut, "iso"), out)
	if ran := feRanAgain(t, r); len(ran) > 0 {
		t.Errorf("steps %q ran again: the frontend did not share cairn's cache", ran)
	}
}

// testNamedContext gives context("extra") a client directory the way CI
// does with buildctl: the same bytes as cairn build --context.
func (f *frontendEnv) testNamedContext(t *testing.T) {
	proj := newProject(t, "target(\"t\", merge([context(\"extra\"), files({\"p\": \"p\\n\"})]))\n")
	extra := t.TempDir()
	if err := os.WriteFile(filepath.Join(extra, "from-context"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cliOut := filepath.Join(t.TempDir(), "cli")
	f.cli.ok(t, "build", "-f", filepath.Join(proj, "cairn.star"), "--addr", f.addr, "-o", cliOut, "--context", "extra="+extra, "t")
	out := filepath.Join(t.TempDir(), "fe")
	f.build(t, "gateway.v0", proj, out, "--opt", "source="+f.image, "--opt", "context:extra=local:extra", "--local", "extra="+extra)
	feSameTree(t, filepath.Join(cliOut, "t"), out)
}

// testLibrary loads a library at a signed tag that cairn lock pinned: the
// frontend fetches it through the engine, by the locked commit, to the
// same bytes as cairn build.
func (f *frontendEnv) testLibrary(t *testing.T) {
	g := gittest.NewGPG(t)
	key := g.NewKey(t, "Vendor <vendor@example.org>")
	repo := gittest.NewRepo(t, filepath.Join(t.TempDir(), "src"), g)
	repo.Commit(t, "lib", map[string]string{"parts.star": "load(\"//more/x.star\", \"X\")\nPART = files({\"etc/part\": X})\n", "more/x.star": "X = \"from the library\\n\"\n"})
	repo.Tag(t, "v1", true, key)
	base := t.TempDir()
	repo.Serve(t, base, "lib")
	url := gittest.Daemon(t, base) + "lib.git"
	proj := newProject(t, "load(\"@vendor//parts.star\", \"PART\")\ntarget(\"t\", PART)\n")
	writeFile(t, filepath.Join(proj, "vendor.asc"), string(g.Export(t, key)))
	writeFile(t, filepath.Join(proj, "libraries.star"), fmt.Sprintf("library(name = \"vendor\", git = git(%q, ref = \"v1\", verify = keyring(\"vendor.asc\")))\n", url))
	f.cli.ok(t, "lock", "-f", filepath.Join(proj, "cairn.star"))
	cliOut := filepath.Join(t.TempDir(), "cli")
	f.cli.ok(t, "build", "-f", filepath.Join(proj, "cairn.star"), "--addr", f.addr, "-o", cliOut, "--locked", "t")
	out := filepath.Join(t.TempDir(), "fe")
	f.build(t, "gateway.v0", proj, out, "--opt", "source="+f.image)
	feSameTree(t, filepath.Join(cliOut, "t"), out)
	if got := readFile(t, filepath.Join(out, "etc", "part")); got != "from the library\n" {
		t.Errorf("etc/part = %q", got)
	}
}

// testSecret passes a build secret with buildctl --secret: the step mounting
// secret("tok") sees it through the frontend as through cairn build, and
// the value reaches neither output.
// testCancel interrupts buildctl while the frontend evaluates an endless
// recipe: the frontend process must go away with the build, not spin on.
func (f *frontendEnv) testCancel(t *testing.T) {
	proj := newProject(t, "load(\"@cairn//text.star\", \"text_file\")\n"+endlessRecipe)
	args := append([]string{"--addr", f.addr}, f.buildArgs("gateway.v0", proj, t.TempDir())...)
	cmd := exec.Command(f.ctl, append(args, "--opt", "source="+f.image, "--opt", "max-steps=1000000000000000")...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	until(t, "the frontend evaluating", func() error {
		if len(frontendProcs()) == 0 {
			return errors.New("no cairn-frontend process yet")
		}
		return nil
	})
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	until(t, "the frontend to stop after the build was cancelled", func() error {
		if p := frontendProcs(); len(p) > 0 {
			return fmt.Errorf("cairn-frontend still running: pids %v", p)
		}
		return nil
	})
}

// frontendProcs lists running cairn-frontend processes (the engine runs
// the frontend image's binary as a container process on this host).
func frontendProcs() []string {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	var pids []string
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && strings.HasPrefix(string(b), "/bin/cairn-frontend") {
			pids = append(pids, filepath.Base(filepath.Dir(p)))
		}
	}
	return pids
}

func (f *frontendEnv) testSecret(t *testing.T) {
	srcs, err := debrepo.ReadHostSources("/")
	mirror, ok := debrepo.MirrorFor(srcs, "bookworm")
	if err != nil || !ok {
		t.Skipf("the host's apt sources list no mirror for bookworm (%v)", err)
	}
	proj := lockedMinbase(t, f.cli, `load("@cairn//distros/debian.star", "debian")
target("s", run(["/bin/sh", "-c", "sha256sum /run/secrets/tok | cut -c1-64 > /out/sum"], rootfs = debian.rootfs(arch = "amd64"),
    mounts = {"/run/secrets/tok": secret("tok")}, output = "/out"))
`)
	value := "frontend-secret-value-7f3a"
	file := filepath.Join(t.TempDir(), "tok")
	writeFile(t, file, value)
	cliOut := filepath.Join(t.TempDir(), "cli")
	f.cli.ok(t, "build", "-f", filepath.Join(proj, "cairn.star"), "--addr", f.addr, "-o", cliOut, "--locked", "--secret", "id=tok,src="+file, "s")
	out := filepath.Join(t.TempDir(), "fe")
	f.build(t, "gateway.v0", proj, out, "--opt", "source="+f.image, "--opt", "mirror:debian="+mirror, "--secret", "id=tok,src="+file)
	feSameTree(t, filepath.Join(cliOut, "s"), out)
	if got, want := strings.TrimSpace(readFile(t, filepath.Join(out, "sum"))), fmt.Sprintf("%x", sha256.Sum256([]byte(value))); got != want {
		t.Errorf("the step saw a secret hashing to %s, want %s", got, want)
	}
	for _, dir := range []string{out, filepath.Join(cliOut, "s")} {
		if p := grepDir(t, dir, value); p != "" {
			t.Errorf("the secret's value is in %s", p)
		}
	}
}

// build runs buildctl build and fails t unless it succeeds.
func (f *frontendEnv) build(t *testing.T, frontend, proj, out string, args ...string) result {
	t.Helper()
	r := f.buildctl(t, append(f.buildArgs(frontend, proj, out), args...)...)
	if r.code != 0 {
		t.Fatalf("%s", r)
	}
	return r
}

func (f *frontendEnv) buildArgs(frontend, proj, out string) []string {
	return []string{"build", "--frontend", frontend, "--local", "dockerfile=" + proj, "--local", "context=" + proj,
		"--output", "type=local,dest=" + out}
}

func (f *frontendEnv) buildctl(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, f.ctl, append([]string{"--addr", f.addr}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String(), code: -1}
	if cmd.ProcessState != nil && (err == nil || cmd.ProcessState.ExitCode() > 0) {
		r.code = cmd.ProcessState.ExitCode()
	}
	t.Logf("buildctl %s: exit %d", strings.Join(args, " "), r.code)
	return r
}

// feStep is one step of a rawjson progress stream.
type feStep struct {
	name   string
	inputs int
	cached bool
}

// feSteps returns the steps a rawjson progress stream shows completing,
// by digest.
func feSteps(t *testing.T, r result) map[string]*feStep {
	t.Helper()
	out := map[string]*feStep{}
	dec := json.NewDecoder(strings.NewReader(r.stderr))
	for dec.More() {
		var st struct {
			Vertexes []struct {
				Digest, Name string
				Inputs       []string
				Cached       bool
				Completed    *time.Time
			}
		}
		if err := dec.Decode(&st); err != nil {
			t.Fatalf("buildctl's rawjson progress: %v", err)
		}
		for _, v := range st.Vertexes {
			s := out[v.Digest]
			if s == nil {
				s = &feStep{name: v.Name, inputs: len(v.Inputs)}
				out[v.Digest] = s
			}
			s.cached = s.cached || v.Cached
		}
	}
	return out
}

// feRanAgain lists the steps of a frontend build that work on earlier
// steps' results (sources are reported as run whether or not they
// transferred anything) and that the cache did not answer.
func feRanAgain(t *testing.T, r result) []string {
	t.Helper()
	var out []string
	seen := 0
	for _, s := range feSteps(t, r) {
		if s.inputs > 0 {
			seen++
		}
		if s.inputs > 0 && !s.cached {
			out = append(out, s.name)
		}
	}
	if seen == 0 {
		t.Fatalf("buildctl's progress shows no step with inputs:\n%s", clip(r.stderr))
	}
	return out
}

// feCached reports whether the step named name ran, and if the cache
// answered it.
func feCached(t *testing.T, r result, name string) (ran, cached bool) {
	for _, s := range feSteps(t, r) {
		if s.name == name {
			return true, s.cached
		}
	}
	return false, false
}

// feSameTree fails t unless two output trees hold the same entries, modes,
// times and bytes.
func feSameTree(t *testing.T, want, got string) {
	t.Helper()
	for _, d := range diffSnapshots(snapshot(t, want), snapshot(t, got), true) {
		t.Errorf("cairn build (first) and the frontend (second) differ: %s", d)
	}
}

// feCopyHello copies examples/hello into a fresh project, with head before
// its recipe.
func feCopyHello(t *testing.T, head string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Dir(helloExample))); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "cairn.star"), head+readFile(t, helloExample))
	return dir
}

// feStart starts the registry and the engine and pushes the image.
func feStart(t *testing.T) *frontendEnv {
	c := shared(t)
	for _, tool := range []string{"docker-registry", "skopeo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (run make setup)", tool)
		}
	}
	f := &frontendEnv{ctl: filepath.Join(filepath.Dir(suite.buildkitd), "buildctl"), cli: c}
	f.layout, f.digest = feImage(t)
	reg := startRegistry(t)
	f.image = reg + "/cairn-frontend:test"
	run(t, "skopeo", "copy", "--all", "--dest-tls-verify=false", "oci:"+f.layout, "docker://"+f.image)
	f.addr = feEngine(t, f.ctl, reg)
	return f
}

// frontendImage is $CAIRN_FRONTEND_IMAGE, else what `make frontend-image`
// writes, and the digest of its image index.
func feImage(t *testing.T) (string, string) {
	dir := os.Getenv("CAIRN_FRONTEND_IMAGE")
	if dir == "" {
		if out, err := exec.Command("make", "-C", "../..", "frontend-image").CombinedOutput(); err != nil {
			t.Fatalf("make frontend-image: %v\n%s", err, out)
		}
		dir, _ = filepath.Abs("../../bin/frontend-image")
	}
	var idx struct{ Manifests []struct{ Digest string } }
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "index.json"))), &idx); err != nil || len(idx.Manifests) != 1 {
		t.Fatalf("%s/index.json: want one manifest (%v)", dir, err)
	}
	return dir, idx.Manifests[0].Digest
}

// feEngine runs a buildkitd that may pull from the registry over plain
// HTTP, with its own state, until t ends.
func feEngine(t *testing.T, buildctl, registry string) string {
	dir, err := os.MkdirTemp("", "cairn-fe") // short: a socket path has 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	addr := "unix://" + filepath.Join(dir, "buildkitd.sock")
	cfg := fmt.Sprintf("root = %q\n[grpc]\n  address = [%q]\n[otel]\n  socketPath = %q\n[worker.oci]\n  enabled = true\n[worker.containerd]\n  enabled = false\n[registry.%q]\n  http = true\n  insecure = true\n",
		filepath.Join(dir, "root"), addr, filepath.Join(dir, "otel.sock"), registry)
	writeFile(t, filepath.Join(dir, "buildkitd.toml"), cfg)
	t.Cleanup(func() { os.RemoveAll(dir) }) // after the engine stops: cleanups run last-in first-out
	daemon(t, exec.Command(suite.buildkitd, "--config", filepath.Join(dir, "buildkitd.toml")))
	until(t, "buildkitd", func() error { return exec.Command(buildctl, "--addr", addr, "debug", "workers").Run() })
	return addr
}
