package main

// Packages built from source: Debian's hello from the real archive's
// Sources index, patched, built by dpkg-buildpackage in the graph, judged
// by dpkg-deb and by running what it built.

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/host/gitsrc/gittest"
	"github.com/cairn-build/cairn/internal/testutil"
)

const packagesRecipe = `debian = repo.deb(suite = "bookworm")

def hello(patches, arch = None):
    src = deb_source("hello", repos = [debian], patches = patches)
    return deb_package(source = src, repos = [debian], arch = arch, profiles = ["nocheck"], options = ["nocheck"], version_suffix = "+cairn1")

hello_pkg = hello(["patches/greeting.patch"])
target("hello", hello_pkg)
target("hello-arm64", hello(["patches/greeting.patch"], arch = "arm64"))  # cross-built
target("source", deb_source("hello", repos = [debian], patches = ["patches/greeting.patch"]))
target("bad", deb_source("hello", repos = [debian], patches = ["patches/bad.patch"]))

archive_repo = apt_repo(packages = [hello_pkg], signer = secret("repo-key"))
target("repo", archive_repo)
built = repo.deb(tree = archive_repo)
target("system", rootfs(repos = [debian, built], packages = ["hello"]))

# A second package, from a project tree with debian/, built with the first.
ours = repo.deb(name = "ours", tree = apt_repo(packages = [hello_pkg]), trusted = True)
target("greeter", deb_package(source = local("greeter"), repos = [debian, ours]))

# The same from a git tree at a tag signed by an allowed key.
greeter_git = git("{{git}}", ref = "v1.0", verify = keyring("maintainers.asc"), allowed_signers = ["alice@example.org"])
target("greeter-git", deb_package(source = greeter_git, repos = [debian, ours]))
`

const badPatch = `--- a/src/hello.c
+++ b/src/hello.c
@@ -57,3 +57,3 @@
   /* Having initialized gettext, get the default message. */
-  greeting_msg = _("Goodbye, world!");
+  greeting_msg = _("never");
`

// TestDebPackageFromSource locks hello's source, builds it with a patch,
// checks the package and its greeting, then changes the patch: only the
// unpack and the build run again. A patch that does not apply names
// itself, the hunk and the recipe line. A fresh engine builds the same
// .deb bytes.
func TestDebPackageFromSource(t *testing.T) {
	c := shared(t)
	dir := t.TempDir()
	gitURL := greeterRepo(t, dir)
	writeFile(t, filepath.Join(dir, "cairn.star"), strings.ReplaceAll(packagesRecipe, "{{git}}", gitURL))
	if err := os.Mkdir(filepath.Join(dir, "patches"), 0o755); err != nil {
		t.Fatal(err)
	}
	patch := readFile(t, filepath.Join("testdata", "hello-greeting.patch"))
	writeFile(t, filepath.Join(dir, "patches", "greeting.patch"), patch)
	writeFile(t, filepath.Join(dir, "patches", "bad.patch"), badPatch)
	if err := os.CopyFS(filepath.Join(dir, "greeter"), os.DirFS(filepath.Join("testdata", "greeter"))); err != nil {
		t.Fatal(err)
	}
	recipe := filepath.Join(dir, "cairn.star")
	c.ok(t, "lock", "-f", recipe)
	checkLockedSource(t, dir)

	out := filepath.Join(t.TempDir(), "out")
	c.ok(t, "build", "-f", recipe, "-o", out, "--locked", "--progress", "plain", "hello")
	deb := filepath.Join(out, "hello", "hello_2.10-3+cairn1_amd64.deb")
	checkHelloDeb(t, deb, "Hello from cairn, patched!")
	for _, f := range []string{"build.log", "hello_2.10-3+cairn1_amd64.buildinfo", "hello_2.10-3+cairn1_amd64.changes"} {
		if _, err := os.Stat(filepath.Join(out, "hello", f)); err != nil {
			t.Errorf("the build's output lacks %s: %v", f, err)
		}
	}
	first := sha256File(t, deb)
	checkLintian(t, deb)
	checkBuiltRepo(t, c, recipe)

	// greeter's build runs the hello built above (its Build-Depends ask
	// for 2.10-3+cairn1) and ships what it said.
	c.ok(t, "build", "-f", recipe, "-o", out, "--locked", "--progress", "plain", "greeter")
	groot := t.TempDir()
	if b, err := exec.Command("dpkg-deb", "-x", filepath.Join(out, "greeter", "greeter_1.0_all.deb"), groot).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -x greeter: %v\n%s", err, b)
	}
	if got := strings.TrimSpace(readFile(t, filepath.Join(groot, "usr/share/greeter/greeting.txt"))); got != "Hello from cairn, patched!" {
		t.Errorf("greeter was built with a hello that says %q, want the patched one", got)
	}
	checkLintian(t, filepath.Join(out, "greeter", "greeter_1.0_all.deb"))
	c.ok(t, "build", "-f", recipe, "-o", out, "--locked", "--progress", "plain", "greeter-git")
	if got, want := sha256File(t, filepath.Join(out, "greeter-git", "greeter_1.0_all.deb")), sha256File(t, filepath.Join(out, "greeter", "greeter_1.0_all.deb")); got != want {
		t.Errorf("greeter from the signed git tag differs from greeter from the project tree")
	}

	// arm64, cross-built on this engine: the package an arm64 buildd makes.
	c.ok(t, "build", "-f", recipe, "-o", out, "--locked", "--progress", "plain", "hello-arm64")
	checkCrossHello(t, filepath.Join(out, "hello-arm64", "hello_2.10-3+cairn1_arm64.deb"), deb, "Hello from cairn, patched!")

	// A changed patch redoes the unpack and the build, nothing else.
	writeFile(t, filepath.Join(dir, "patches", "greeting.patch"), strings.ReplaceAll(patch, "patched!", "patched again!"))
	r := c.ok(t, "build", "-f", recipe, "-o", out, "--locked", "--progress", "plain", "hello")
	m := summaryRE.FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no summary line:\n%s", r.stderr)
	}
	if cached, total := atoi(t, m[2]), atoi(t, m[3]); total-cached != 2 {
		t.Errorf("changing the patch ran %d exec steps (%s), want 2: dpkg-source and dpkg-buildpackage\n%s", total-cached, m[0], r.stderr)
	}
	checkHelloDeb(t, deb, "Hello from cairn, patched again!")

	// A patch that does not apply.
	r = c.run(t, "build", "-f", recipe, "-o", out, "--locked", "--progress", "plain", "bad")
	if r.code != 1 {
		t.Fatalf("want exit 1 for a patch that does not apply; %s", r)
	}
	line, col := posOf(t, packagesRecipe, `deb_source("hello", repos = [debian], patches = ["patches/bad.patch"])`)
	for _, want := range []string{"patch patches/bad.patch (patches[0]) does not apply to hello=2.10-3",
		"Hunk #1 FAILED at 57", fmt.Sprintf("%s:%d:%d", recipe, line, col)} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	// The failed step's whole log is kept beside the outputs.
	if m := regexp.MustCompile(`the whole log: (\S+)`).FindStringSubmatch(r.stderr); m == nil {
		t.Errorf("stderr does not say where the whole log is:\n%s", r.stderr)
	} else if log := readFile(t, m[1]); !strings.HasPrefix(log, "cairn: applying patch patches/bad.patch\n") || !strings.Contains(log, "Hunk #1 FAILED at 57") {
		t.Errorf("%s is not the whole log of the failed step:\n%s", m[1], log)
	}

	// The same bytes from a fresh engine (hello builds reproducibly in Debian).
	writeFile(t, filepath.Join(dir, "patches", "greeting.patch"), patch)
	out2 := filepath.Join(t.TempDir(), "out")
	freshEngine(t).ok(t, "build", "-f", recipe, "-o", out2, "--locked", "hello")
	if second := sha256File(t, filepath.Join(out2, "hello", filepath.Base(deb))); second != first {
		t.Errorf("hello's .deb differs between fresh engines: %s vs %s; diffoscope says:\n%s",
			first, second, diffoscope(t, deb, filepath.Join(out2, "hello", filepath.Base(deb))))
	}
}

// diffoscope says how two files differ (its first 200 lines).
func diffoscope(t *testing.T, a, b string) string {
	t.Helper()
	testutil.NeedTool(t, "diffoscope")
	out, _ := exec.Command("diffoscope", "--text", "-", a, b).CombinedOutput() // exit 1: they differ
	lines := strings.SplitN(string(out), "\n", 201)
	return strings.Join(lines[:min(len(lines), 200)], "\n")
}

// checkLintian runs Debian's lintian on a built package: no errors.
func checkLintian(t *testing.T, deb string) {
	t.Helper()
	testutil.NeedTool(t, "lintian")
	if out, err := exec.Command("lintian", "--fail-on", "error", deb).CombinedOutput(); err != nil {
		t.Errorf("lintian %s: %v\n%s", filepath.Base(deb), err, out)
	}
}

// greeterRepo serves testdata/greeter as a git repository on loopback,
// tagged v1.0 and signed by alice, whose key (and only hers) goes into the
// project as maintainers.asc; it returns the repository's URL.
func greeterRepo(t *testing.T, project string) string {
	t.Helper()
	gittest.Need(t, "git", "gpg")
	g := gittest.NewGPG(t)
	alice := g.NewKey(t, "Alice <alice@example.org>")
	writeFile(t, filepath.Join(project, "maintainers.asc"), string(g.Export(t, alice)))
	files := map[string]string{}
	root := filepath.Join("testdata", "greeter")
	if err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files[rel] = readFile(t, p)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	repo := gittest.NewRepo(t, filepath.Join(t.TempDir(), "greeter"), g)
	repo.Commit(t, "greeter 1.0", files)
	repo.Git(t, "update-index", "--chmod=+x", "debian/rules")
	repo.Git(t, "commit", "--quiet", "-m", "debian/rules is executable")
	repo.Tag(t, "v1.0", true, alice)
	base := t.TempDir()
	repo.Serve(t, base, "greeter")
	return gittest.Daemon(t, base) + "greeter.git"
}

// checkBuiltRepo publishes the package in a signed repository (the key a
// BuildKit secret) that the real apt accepts with its public key, finds
// the key nowhere else, and installs the package into a system from the
// repository: the installed hello greets as patched.
func checkBuiltRepo(t *testing.T, c cairn, recipe string) {
	t.Helper()
	key := filepath.Join(t.TempDir(), "repo-key.asc")
	armored := testSigningKey(t)
	writeFile(t, key, armored)
	out := filepath.Join(t.TempDir(), "out")
	r := c.ok(t, "build", "-f", recipe, "-o", out, "--locked", "--progress", "plain", "--secret", "id=repo-key,src="+key, "repo")
	repo := filepath.Join(out, "repo")
	got, state, err := testutil.AptUpdate(t, repo, "cairn", "main", filepath.Join(repo, "archive-key.asc"))
	if err != nil {
		t.Fatalf("apt-get update against the built repository: %v\n%s", err, got)
	}
	if avail := testutil.AptCache(t, state, "policy", "hello"); !strings.Contains(avail, "2.10-3+cairn1") {
		t.Errorf("apt-cache policy hello does not offer 2.10-3+cairn1:\n%s", avail)
	}
	secretPart := armored[strings.Index(armored, "\n\n")+2:][:64] // key material, not the armor header
	graph := c.ok(t, "graph", "-f", recipe, "repo").stdout
	for what, b := range map[string][]byte{"output": treeBytes(t, repo, false), "progress": []byte(r.stdout + r.stderr), "graph": []byte(graph)} {
		if bytes.Contains(b, []byte(secretPart)) {
			t.Errorf("the %s holds the signing key", what)
		}
	}

	r = c.ok(t, "build", "-f", recipe, "-o", out, "--locked", "--progress", "plain", "--secret", "id=repo-key,src="+key, "system")
	root := filepath.Join(out, "system")
	if got := strings.TrimSpace(chroot(t, root, "/usr/bin/hello")); got != "Hello from cairn, patched!" {
		t.Errorf("the system's hello says %q, want the patched greeting", got)
	}
	if got := chroot(t, root, "dpkg-query", "-W", "-f", "${Version}", "hello"); got != "2.10-3+cairn1" {
		t.Errorf("dpkg-query: hello %q, want 2.10-3+cairn1", got)
	}
	if !strings.Contains(r.stderr, "unpack 1 packages (built built/amd64): hello") {
		t.Errorf("hello was not unpacked from the built repository:\n%s", r.stderr)
	}
}

// testSigningKey is an armored, unprotected Ed25519 OpenPGP secret key.
func testSigningKey(t *testing.T) string {
	t.Helper()
	key, _ := testutil.SigningKey(t, "cairn test repository")
	return string(key)
}

// checkLockedSource: cairn.lock pins hello's source files and build
// dependencies, and locks the build root as a request of its own.
func checkLockedSource(t *testing.T, dir string) {
	t.Helper()
	var f struct {
		Sources []struct {
			Name         string `json:"name"`
			Version      string `json:"version"`
			BuildDepends string `json:"build_depends"`
			Files        []struct {
				Name   string `json:"name"`
				SHA256 string `json:"sha256"`
			} `json:"files"`
		} `json:"sources"`
		Requests []struct {
			Depends []string `json:"depends"`
		} `json:"requests"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "cairn.lock"))), &f); err != nil {
		t.Fatal(err)
	}
	// hello from the archive, and greeter from the git tree (what its
	// debian/ says, read at the pinned commit; no files).
	if len(f.Sources) != 2 || f.Sources[1].Name != "hello" || len(f.Sources[1].Files) < 3 ||
		!strings.Contains(f.Sources[1].BuildDepends, "debhelper-compat") ||
		f.Sources[0].Name != "greeter" || !strings.Contains(f.Sources[0].BuildDepends, "hello (>= 2.10-3+cairn1)") {
		t.Fatalf("cairn.lock sources = %+v, want greeter's tree and hello with its files and build dependencies", f.Sources)
	}
	found := false
	for _, r := range f.Requests {
		found = found || strings.Contains(strings.Join(r.Depends, ","), "help2man")
	}
	if !found {
		t.Errorf("cairn.lock has no build-root request with hello's build dependencies")
	}
}

// checkHelloDeb asks dpkg-deb about the package and runs its hello.
func checkHelloDeb(t *testing.T, deb, greeting string) {
	t.Helper()
	v, err := exec.Command("dpkg-deb", "--field", deb, "Version").Output()
	if err != nil || strings.TrimSpace(string(v)) != "2.10-3+cairn1" {
		t.Fatalf("dpkg-deb --field %s Version = %q, %v; want 2.10-3+cairn1", deb, v, err)
	}
	root := t.TempDir()
	if b, err := exec.Command("dpkg-deb", "-x", deb, root).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -x: %v\n%s", err, b)
	}
	got, err := exec.Command(filepath.Join(root, "usr", "bin", "hello")).Output()
	if err != nil || !bytes.Equal(bytes.TrimSpace(got), []byte(greeting)) {
		t.Errorf("the built hello says %q (%v), want %q", got, err, greeting)
	}
}

// checkCrossHello judges a cross-built hello by the native one: arm64,
// the same dependencies, an aarch64 program with the patched greeting,
// and lintian's approval.
func checkCrossHello(t *testing.T, deb, native, greeting string) {
	t.Helper()
	field := func(deb, name string) string {
		v, err := exec.Command("dpkg-deb", "--field", deb, name).Output()
		if err != nil {
			t.Fatalf("dpkg-deb --field %s %s: %v", deb, name, err)
		}
		return strings.TrimSpace(string(v))
	}
	if a := field(deb, "Architecture"); a != "arm64" {
		t.Errorf("%s: Architecture %q, want arm64", deb, a)
	}
	if got, want := field(deb, "Depends"), field(native, "Depends"); got != want {
		t.Errorf("cross-built Depends %q, native %q", got, want)
	}
	root := t.TempDir()
	if b, err := exec.Command("dpkg-deb", "-x", deb, root).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -x: %v\n%s", err, b)
	}
	prog := filepath.Join(root, "usr", "bin", "hello")
	f, err := elf.Open(prog)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 {
		t.Errorf("%s is for %s, want aarch64", prog, f.Machine)
	}
	if !strings.Contains(readFile(t, prog), greeting) {
		t.Errorf("%s lacks the patched greeting %q", prog, greeting)
	}
	checkLintian(t, deb)
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
