package main

// A shared build cache: one engine exports what it ran, a brand-new engine
// imports it and runs nothing, and both write the same bytes.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// cacheRecipe is a minbase system with a slow step on top.
const cacheRecipe = `load("@cairn//distros/debian.star", "debian")

base = debian.rootfs(variant = "minbase")
target("work", run(["sh", "-c", "sleep 3; dpkg-query -W -f '${Package} ${Version}\\n' > /out/packages"], rootfs = base, output = "/out"))
`

// TestCacheExportImport builds on engine A, exporting the cache to a
// directory (and to a registry on loopback when docker-registry is
// installed); fresh engines then import it: one through cairn.toml, one
// through --cache-from.
func TestCacheExportImport(t *testing.T) {
	a := freshEngine(t)
	proj := lockedMinbase(t, a, cacheRecipe)
	recipe := filepath.Join(proj, "cairn.star")
	outA := filepath.Join(t.TempDir(), "out")
	args := []string{"build", "-f", recipe, "--locked", "-o", outA, "work", "--progress", "plain",
		"--cache-to", "type=local,dest=" + filepath.Join(proj, "cache")}
	registry := ""
	if _, err := exec.LookPath("docker-registry"); err == nil {
		registry = startRegistry(t) + "/cairn/cache"
		args = append(args, "--cache-to", "type=registry,ref="+registry)
	}
	r := a.ok(t, args...)
	if m := summaryRE.FindStringSubmatch(r.stderr); m == nil || m[2] != "0" {
		t.Fatalf("engine A is fresh: want no exec step cached; summary %q", m)
	}
	if tags := localCacheTags(t, filepath.Join(proj, "cache")); !slices.Equal(tags, []string{"work"}) {
		t.Errorf("the local cache's index tags %q, want [work] (one manifest per target)", tags)
	}

	t.Run("local via cairn.toml", func(t *testing.T) {
		writeFile(t, filepath.Join(proj, "cairn.toml"), "[cache]\nfrom = [\"type=local,src=cache\"]\n")
		defer os.Remove(filepath.Join(proj, "cairn.toml"))
		checkImported(t, freshEngine(t), outA, "build", "-f", recipe, "--locked")
	})
	t.Run("registry via --cache-from", func(t *testing.T) {
		if registry == "" {
			t.Skip("docker-registry is not installed (apt-get install docker-registry)")
		}
		if tags := registryTags(t, registry); !slices.Contains(tags, "work") {
			t.Errorf("registry %s has tags %q, want work", registry, tags)
		}
		checkImported(t, freshEngine(t), outA, "build", "-f", recipe, "--locked", "--cache-from", "type=registry,ref="+registry)
	})
	t.Run("registry with credentials", func(t *testing.T) {
		if registry == "" {
			t.Skip("docker-registry is not installed (apt-get install docker-registry)")
		}
		host := startRegistry(t, "cairn:s3cret")
		to := []string{"build", "-f", recipe, "--locked", "-o", filepath.Join(t.TempDir(), "out"), "work", "--progress", "plain",
			"--cache-to", "type=registry,ref=" + host + "/cairn/cache"}
		r := a.with("DOCKER_CONFIG="+t.TempDir()).run(t, to...)
		if r.code != 1 || !strings.Contains(r.stderr, "401 Unauthorized") || !strings.Contains(r.stderr, "log in there") {
			t.Errorf("no credentials: want exit 1, the registry's 401 and how to log in; %s", r)
		}
		a.with("DOCKER_CONFIG="+dockerConfig(t, host, "cairn:s3cret")).ok(t, to...)
		if tags := registryTags(t, host+"/cairn/cache", "cairn:s3cret"); !slices.Equal(tags, []string{"work"}) {
			t.Errorf("registry has tags %q, want [work]", tags)
		}
	})
}

// dockerConfig writes a Docker client configuration holding user:password
// for host and returns its directory.
func dockerConfig(t *testing.T, host, userPass string) string {
	t.Helper()
	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte(userPass))
	writeFile(t, filepath.Join(dir, "config.json"), fmt.Sprintf(`{"auths": {%q: {"auth": %q}}}`, host, auth))
	return dir
}

// checkImported builds target work with args on c, a fresh engine, and
// checks that every exec step came from the imported cache and that the
// output equals outA's, byte for byte and time for time.
func checkImported(t *testing.T, c cairn, outA string, args ...string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	r := c.ok(t, append(args, "-o", out, "work", "--progress", "plain")...)
	checkAllCached(t, r, 1)
	if !strings.Contains(r.stderr, "importing cache manifest") {
		t.Errorf("no cache import in the progress:\n%s", r.stderr)
	}
	for _, d := range diffSnapshots(snapshot(t, filepath.Join(outA, "work")), snapshot(t, filepath.Join(out, "work")), true) {
		t.Errorf("output differs from engine A's: %s", d)
	}
	if a, b := readRecord(t, outA, "work").Digest, readRecord(t, out, "work").Digest; a != b {
		t.Errorf("record digest %s, engine A's %s", b, a)
	}
}

// localCacheTags returns the tags in a local cache's index.json.
func localCacheTags(t *testing.T, dir string) []string {
	t.Helper()
	var idx struct {
		Manifests []struct {
			Annotations map[string]string `json:"annotations"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "index.json"))), &idx); err != nil {
		t.Fatal(err)
	}
	var tags []string
	for _, m := range idx.Manifests {
		tags = append(tags, m.Annotations["org.opencontainers.image.ref.name"])
	}
	slices.Sort(tags)
	return tags
}

// registryTags lists the tags of repo (host:port/name) in the registry.
func registryTags(t *testing.T, repo string, userPass ...string) []string {
	t.Helper()
	host, name, _ := strings.Cut(repo, "/")
	body, err := registryGet("http://"+host+"/v2/"+name+"/tags/list", userPass...)
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Tags []string }
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("tags of %s: %v", repo, err)
	}
	return list.Tags
}

func registryGet(url string, userPass ...string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if len(userPass) > 0 {
		user, pass, _ := strings.Cut(userPass[0], ":")
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return io.ReadAll(resp.Body)
}
