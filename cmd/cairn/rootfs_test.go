package main

// Root filesystems from the real Debian archive (the mirror of the host's
// apt sources), judged by dpkg and apt themselves inside the result.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// rootfsRecipe has minbase systems for both arches, one with an extra
// package, and an image and a tarball of the same system.
const rootfsRecipe = `load("@cairn//distros/debian.star", "debian")

target("amd64", debian.rootfs(arch = "amd64"))
target("arm64", debian.rootfs(arch = "arm64"))
target("amd64-plus", debian.rootfs(arch = "amd64", packages = ["netbase"]))
target("image", oci_image(debian.rootfs(), platforms = ["linux/amd64", "linux/arm64"], ref = "minbase",
    entrypoint = ["/bin/sh", "-c"], cmd = ["echo hi"], env = {"LANG": "C.UTF-8"}, workdir = "/srv",
    user = "nobody", ports = ["8080"], labels = {"org.opencontainers.image.title": "minbase"}))
target("tar", archive(debian.rootfs(arch = "amd64"), name = "rootfs.tar", owners = "keep"))
`

// rootfsProject is one locked copy of rootfsRecipe shared by the tests
// (locking fetches the archive's indexes once).
var rootfsProject struct {
	once sync.Once
	dir  string
	err  string
}

func lockedRootfsProject(t *testing.T, c cairn) string {
	t.Helper()
	rootfsProject.once.Do(func() {
		dir, err := os.MkdirTemp("", "cairn-rootfs")
		if err != nil {
			rootfsProject.err = err.Error()
			return
		}
		rootfsProject.dir = dir
		if err := os.WriteFile(filepath.Join(dir, "cairn.star"), []byte(rootfsRecipe), 0o644); err != nil {
			rootfsProject.err = err.Error()
			return
		}
		r := c.exec(t.Context(), "lock", "-f", filepath.Join(dir, "cairn.star"), "--platform", "linux/amd64,linux/arm64")
		if r.code != 0 {
			rootfsProject.err = r.String()
		}
	})
	if rootfsProject.err != "" {
		t.Fatalf("locking the rootfs project: %s", rootfsProject.err)
	}
	return rootfsProject.dir
}

// lockedInstall returns the lock's answer for a target: name=version:arch.
func lockedInstall(t *testing.T, dir, target string) []string {
	t.Helper()
	var f struct {
		Requests []struct {
			Targets []string `json:"targets"`
			Install []string `json:"install"`
		} `json:"requests"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "cairn.lock"))), &f); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Requests {
		if slices.Contains(r.Targets, target) {
			out := slices.Clone(r.Install)
			sort.Strings(out)
			return out
		}
	}
	t.Fatalf("cairn.lock has no request for target %s", target)
	return nil
}

// lockedBase returns the size of the lock's base stage for a target.
func lockedBase(t *testing.T, dir, target string) int {
	t.Helper()
	var f struct {
		Requests []struct {
			Targets []string `json:"targets"`
			Base    int      `json:"base"`
		} `json:"requests"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "cairn.lock"))), &f); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Requests {
		if slices.Contains(r.Targets, target) {
			return r.Base
		}
	}
	return 0
}

// TestMinbaseRootfs builds minbase for amd64 and arm64 and asks dpkg and
// apt inside each (arm64 through qemu-user) whether the system is sound and
// holds exactly the locked packages.
func TestMinbaseRootfs(t *testing.T) {
	c := shared(t)
	needEmulation(t, "arm64")
	dir := lockedRootfsProject(t, c)
	out := filepath.Join(t.TempDir(), "out")
	c.ok(t, "build", "-f", filepath.Join(dir, "cairn.star"), "-o", out, "--locked", "--progress", "plain", "amd64", "arm64")
	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			root := filepath.Join(out, arch)
			checkAttestations(t, out, arch, lockedInstall(t, dir, arch)) // first: apt-get check writes caches
			if got := chroot(t, root, "dpkg", "--audit"); strings.TrimSpace(got) != "" {
				t.Errorf("dpkg --audit is not clean:\n%s", got)
			}
			chroot(t, root, "apt-get", "check", "-q")
			got := strings.Fields(chroot(t, root, "dpkg-query", "-W", "-f", "${Package}=${Version}:${Architecture}\n"))
			sort.Strings(got)
			if want := lockedInstall(t, dir, arch); !slices.Equal(got, want) {
				t.Errorf("dpkg -l differs from the lock:\n got %d: %v\nwant %d: %v", len(got), got, len(want), want)
			}
			if got := chroot(t, root, "dpkg", "--print-architecture"); strings.TrimSpace(got) != arch {
				t.Errorf("dpkg --print-architecture = %q, want %s", got, arch)
			}
		})
	}
}

// chroot runs a command inside a root filesystem and returns its stdout.
func chroot(t *testing.T, root string, args ...string) string {
	t.Helper()
	cmd := exec.Command("chroot", append([]string{root}, args...)...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"}
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if e, ok := err.(*exec.ExitError); ok {
			stderr = string(e.Stderr)
		}
		t.Fatalf("chroot %s %s: %v\n%s%s", root, strings.Join(args, " "), err, out, stderr)
	}
	return string(out)
}

// TestAddingPackageRebuildsOneLayer adds one package to a built system:
// BuildKit must redo exactly two exec steps, that package's unpack and the
// configure step of the added stage; the configured base is a cache hit.
// (TestRootfsReproducible checks that this incremental result equals a
// cold build.)
func TestAddingPackageRebuildsOneLayer(t *testing.T) {
	c := shared(t)
	dir := lockedRootfsProject(t, c)
	out := filepath.Join(t.TempDir(), "out")
	recipe := filepath.Join(dir, "cairn.star")
	c.ok(t, "build", "-f", recipe, "-o", out, "--locked", "--progress", "plain", "amd64")
	r := c.ok(t, "build", "-f", recipe, "-o", out, "--locked", "--progress", "plain", "amd64-plus")
	m := summaryRE.FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no summary line:\n%s", r.stderr)
	}
	if cached, total := atoi(t, m[2]), atoi(t, m[3]); total-cached != 2 {
		t.Errorf("adding netbase ran %d exec steps (%s), want 2: its unpack and the added stage's configure step\n%s", total-cached, m[0], r.stderr)
	}
	if base := lockedBase(t, dir, "amd64-plus"); base == 0 || !vertexCached(r.stderr, fmt.Sprintf("configure %d base packages (amd64)", base)) {
		t.Errorf("the base stage was configured again:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "configure 1 added packages (amd64)") {
		t.Errorf("no configure step of the one added package:\n%s", r.stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "amd64-plus", "etc", "protocols")); err != nil {
		t.Errorf("netbase's /etc/protocols is missing: %v", err)
	}
	root := filepath.Join(out, "amd64-plus")
	if got := chroot(t, root, "dpkg", "--audit"); strings.TrimSpace(got) != "" {
		t.Errorf("dpkg --audit is not clean:\n%s", got)
	}
	got := strings.Fields(chroot(t, root, "dpkg-query", "-W", "-f", "${Package}=${Version}:${Architecture}\n"))
	sort.Strings(got)
	if want := lockedInstall(t, dir, "amd64-plus"); !slices.Equal(got, want) {
		t.Errorf("dpkg -l differs from the lock:\n got %d: %v\nwant %d: %v", len(got), got, len(want), want)
	}
}

// TestRootfsReproducible builds the tarball, the two-platform image and a
// system with one added package on two fresh engines and compares every
// byte. The first engine adds the package to a configured base it already
// built; the second builds it cold first, so the comparison also says that
// the layered install gives a cold build's bytes.
func TestRootfsReproducible(t *testing.T) {
	needEmulation(t, "arm64")
	dir := lockedRootfsProject(t, shared(t))
	orders := [2][][]string{{{"image", "tar"}, {"amd64-plus"}}, {{"amd64-plus"}, {"image", "tar"}}}
	var sums [2]map[string]string
	var out string
	for i := range sums {
		c := freshEngine(t)
		out = filepath.Join(t.TempDir(), "out")
		for _, targets := range orders[i] {
			c.ok(t, append([]string{"build", "-f", filepath.Join(dir, "cairn.star"), "-o", out, "--locked", "--progress", "plain"}, targets...)...)
		}
		c.ok(t, "engine", "stop")
		sums[i] = treeSums(t, out)
	}
	if len(sums[0]) == 0 {
		t.Fatal("no output files")
	}
	for p, s := range sums[0] {
		if sums[1][p] != s {
			t.Errorf("%s differs between fresh engines: %s vs %s", p, s, sums[1][p])
		}
	}
	for _, p := range []string{"image/index.json", "image/oci-layout", "tar/rootfs.tar", "amd64-plus/etc/protocols"} {
		if sums[0][p] == "" {
			t.Errorf("output lacks %s", p)
		}
	}
	checkImageProvenance(t, filepath.Join(out, "image"), 2)
	checkImageConfig(t, filepath.Join(out, "image"))
}

// checkImageConfig reads the image's runtime configuration with skopeo:
// what oci_image() set, PATH kept.
func checkImageConfig(t *testing.T, layout string) {
	t.Helper()
	var cfg struct {
		Config struct {
			Entrypoint, Cmd, Env []string
			WorkingDir, User     string
			ExposedPorts         map[string]struct{}
			Labels               map[string]string
		} `json:"config"`
	}
	if err := json.Unmarshal([]byte(run(t, "skopeo", "inspect", "--config", "oci:"+layout+":minbase")), &cfg); err != nil {
		t.Fatal(err)
	}
	c := cfg.Config
	if !slices.Equal(c.Entrypoint, []string{"/bin/sh", "-c"}) || !slices.Equal(c.Cmd, []string{"echo hi"}) ||
		!slices.Equal(c.Env, []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"}) ||
		c.WorkingDir != "/srv" || c.User != "nobody" || len(c.ExposedPorts) != 1 || c.Labels["org.opencontainers.image.title"] != "minbase" {
		t.Errorf("skopeo inspect --config: %+v", c)
	}
	if _, ok := c.ExposedPorts["8080/tcp"]; !ok {
		t.Errorf("exposed ports %v, want 8080/tcp", c.ExposedPorts)
	}
}

// treeSums maps every regular file under root (except cairn's records and
// file index) to its sha256.
func treeSums(t testing.TB, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.IsDir() && (info.Name() == ".cairn-index" || info.Name() == ".cairn-why") {
			return filepath.SkipDir // the machine's file index and build history, not the build's
		}
		if err != nil || !info.Mode().IsRegular() || strings.HasSuffix(p, ".cairn.json") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(h.Sum(nil))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLockedRejectsUncovered changes the recipe after locking: --locked
// must refuse, naming the rootfs() line, and exit 1.
func TestLockedRejectsUncovered(t *testing.T) {
	c := shared(t)
	dir := lockedRootfsProject(t, c)
	proj := t.TempDir()
	writeFile(t, filepath.Join(proj, "cairn.lock"), readFile(t, filepath.Join(dir, "cairn.lock")))
	writeFile(t, filepath.Join(proj, "cairn.star"), "load(\"@cairn//distros/debian.star\", \"debian\")\n\ntarget(\"x\", debian.rootfs(arch = \"amd64\", packages = [\"less\"]))\n")
	r := c.run(t, "build", "-f", filepath.Join(proj, "cairn.star"), "-o", t.TempDir(), "--locked", "x")
	if r.code != 1 || !strings.Contains(r.stderr, "cairn.lock does not cover") || !strings.Contains(r.stderr, "cairn.star:3:13: rootfs:") {
		t.Errorf("want exit 1 naming the lock and the rootfs() position:\n%s", r)
	}
}
