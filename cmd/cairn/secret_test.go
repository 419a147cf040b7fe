package main

// Build secrets: a step sees the value, and nothing else ever holds it —
// not the graph, the cache export, the engine's state, the progress
// stream, the output or the build record. The step runs in a Debian
// minbase system from the real archive (locked first), so it has sh, cat
// and sha256sum.

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// secretRecipe hashes two secrets and records their mode; the log line
// "step saw <hash>" lets the test check that logs are really scanned.
const secretRecipe = `load("@cairn//distros/debian.star", "debian")

base = debian.rootfs(variant = "minbase")
script = "sha256sum /run/secrets/tok /run/secrets/env > /out/sums; stat -c '%a %u' /run/secrets/tok > /out/mode; echo step saw $(sha256sum < /run/secrets/tok)"
target("sums", run(["sh", "-c", script], rootfs = base, output = "/out", mounts = {
    "/run/secrets/tok": secret("tok"),
    "/run/secrets/env": secret("env"),
}))
target("optional", run(["sh", "-c", "test ! -e /run/secrets/none && echo absent > /out/none"], rootfs = base, output = "/out",
    mounts = {"/run/secrets/none": secret("none", required = False)}))
`

// The secret values: long and unusual, so any occurrence is a leak.
const (
	fileSecret    = "cairn-file-secret-5e1f0c9a7b"
	envSecret     = "cairn-env-secret-93ab7d41c2"
	changedSecret = "cairn-file-secret-changed-77a1e0"
)

// TestSecretsNeverLeak runs on a fresh engine, so the step really runs
// and logs; then it changes a value and rebuilds.
func TestSecretsNeverLeak(t *testing.T) {
	c := freshEngine(t)
	proj := lockedMinbase(t, c, secretRecipe)
	recipe := filepath.Join(proj, "cairn.star")
	tok := filepath.Join(t.TempDir(), "tok")
	writeFile(t, tok, fileSecret)
	c = c.with("CAIRN_TEST_ENV_SECRET=" + envSecret)
	out, cache := filepath.Join(t.TempDir(), "out"), filepath.Join(t.TempDir(), "cache")
	r := c.ok(t, "build", "-f", recipe, "-o", out, "sums", "--progress", "rawjson",
		"--secret", "id=tok,src="+tok, "--secret", "id=env,env=CAIRN_TEST_ENV_SECRET",
		"--cache-to", "type=local,dest="+cache)

	// The step saw both values, as read-only files of root.
	want := fmt.Sprintf("%x  /run/secrets/tok\n%x  /run/secrets/env\n", sha256.Sum256([]byte(fileSecret)), sha256.Sum256([]byte(envSecret)))
	if got := readFile(t, filepath.Join(out, "sums", "sums")); got != want {
		t.Errorf("sums = %q, want %q: the step did not see the secrets", got, want)
	}
	if got := readFile(t, filepath.Join(out, "sums", "mode")); got != "400 0\n" {
		t.Errorf("secret file mode and owner = %q, want \"400 0\"", got)
	}

	// Nothing holds a value; each scan also finds the value's hash, which
	// the step wrote to its log and output, so the scans do look inside.
	marker := fmt.Sprintf("%x", sha256.Sum256([]byte(fileSecret)))
	graph := c.ok(t, "graph", "-f", recipe, "sums").stdout
	scanned := map[string][]byte{
		"cairn graph":          []byte(graph),
		"progress (raw)":       []byte(r.stdout + r.stderr),
		"progress (step logs)": rawjsonLogs(t, r.stdout+r.stderr),
		"cache export":         treeBytes(t, cache, true),
		"output":               treeBytes(t, filepath.Join(out, "sums"), false),
		"build record":         []byte(readFile(t, filepath.Join(out, "sums.cairn.json"))),
	}
	for what, b := range scanned {
		for _, v := range []string{fileSecret, envSecret} {
			if bytes.Contains(b, []byte(v)) {
				t.Errorf("%s holds the secret value %q", what, v)
			}
		}
	}
	for _, what := range []string{"progress (step logs)", "cache export", "output"} {
		if !bytes.Contains(scanned[what], []byte(marker)) {
			t.Errorf("%s lacks the secret's hash %s: the scan missed what the step wrote", what, marker)
		}
	}
	for _, v := range []string{fileSecret, envSecret} { // cache, snapshots, metadata, log
		if p := fileHolding(t, engineHome(t, c), []byte(v)); p != "" {
			t.Errorf("the engine's state holds the secret value %q in %s", v, p)
		}
	}
	if fileHolding(t, engineHome(t, c), []byte(marker)) == "" {
		t.Errorf("the engine's state lacks the secret's hash %s: the scan missed the step's output", marker)
	}
	if !strings.Contains(graph, `"tok"`) {
		t.Errorf("cairn graph does not name the secret \"tok\":\n%s", clip(graph))
	}

	t.Run("changed value keeps the cache", func(t *testing.T) {
		writeFile(t, tok, changedSecret)
		out2 := filepath.Join(t.TempDir(), "out")
		r := c.ok(t, "build", "-f", recipe, "-o", out2, "sums", "--progress", "plain",
			"--secret", "id=tok,src="+tok, "--secret", "id=env,env=CAIRN_TEST_ENV_SECRET")
		checkAllCached(t, r, 1)
		if got := readFile(t, filepath.Join(out2, "sums", "sums")); got != want {
			t.Errorf("sums = %q, want the cached %q (BuildKit does not key steps on secret values)", got, want)
		}
	})
	t.Run("optional secret not given", func(t *testing.T) {
		out3 := filepath.Join(t.TempDir(), "out")
		c.ok(t, "build", "-f", recipe, "-o", out3, "optional", "--progress", "plain")
		if got := readFile(t, filepath.Join(out3, "optional", "none")); got != "absent\n" {
			t.Errorf("none = %q, want \"absent\\n\"", got)
		}
	})
}

// TestSecretErrors checks that a secret the build cannot serve fails before
// any step runs, naming the flag or the recipe line.
func TestSecretErrors(t *testing.T) {
	c := shared(t)
	proj := lockedMinbase(t, c, secretRecipe)
	recipe := filepath.Join(proj, "cairn.star")
	missing := filepath.Join(t.TempDir(), "missing-token")
	tok := filepath.Join(t.TempDir(), "tok")
	writeFile(t, tok, fileSecret)
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"file missing", []string{"--secret", "id=tok,src=" + missing}, 2,
			[]string{"--secret id=tok,src=" + missing, "no such file", "create the file"}},
		{"env unset", []string{"--secret", "id=env,env=CAIRN_TEST_UNSET_SECRET"}, 2,
			[]string{"--secret id=env,env=CAIRN_TEST_UNSET_SECRET", "CAIRN_TEST_UNSET_SECRET is not set"}},
		{"not given", nil, 1,
			[]string{fmt.Sprintf("%s:%d:", recipe, 5), `secret("tok") at /run/secrets/tok`, `secret("env") at /run/secrets/env`,
				"pass --secret id=env,src=FILE --secret id=tok,src=FILE"}},
		{"one not given", []string{"--secret", "id=tok,src=" + tok}, 1,
			[]string{"not given (it was given tok): secret(\"env\") at /run/secrets/env; pass --secret id=env,src=FILE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"build", "-f", recipe, "-o", filepath.Join(t.TempDir(), "out"), "sums", "--progress", "plain"}, tt.args...)
			r := c.run(t, args...)
			if r.code != tt.code {
				t.Fatalf("want exit code %d; %s", tt.code, r)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "sha256sum") {
				t.Errorf("the step ran although its secret was missing:\n%s", r.stderr)
			}
		})
	}
}

// lockedMinbase writes recipe into a new project and locks it for this
// host, so builds can use --locked (no metadata fetches).
func lockedMinbase(t *testing.T, c cairn, recipe string) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "cairn.star"), recipe)
	c.ok(t, "lock", "-f", filepath.Join(dir, "cairn.star"))
	return dir
}

// engineHome returns the CAIRN_HOME c runs with.
func engineHome(t *testing.T, c cairn) string {
	t.Helper()
	home := ""
	for _, kv := range c.env {
		if v, ok := strings.CutPrefix(kv, "CAIRN_HOME="); ok {
			home = v
		}
	}
	if home == "" {
		t.Fatal("no CAIRN_HOME in the environment")
	}
	return home
}

// fileHolding returns the first regular file under root that contains
// needle, "" if none does.
func fileHolding(t *testing.T, root string, needle []byte) string {
	t.Helper()
	found := ""
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || found != "" || !d.Type().IsRegular() {
			return err
		}
		if data, err := os.ReadFile(p); err == nil && bytes.Contains(data, needle) {
			found = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// rawjsonLogs returns the step output carried, base64-encoded, in
// --progress rawjson status lines.
func rawjsonLogs(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	for line := range strings.Lines(s) {
		var st struct {
			Logs []struct{ Data []byte }
		}
		if json.Unmarshal([]byte(line), &st) == nil {
			for _, l := range st.Logs {
				b.Write(l.Data)
			}
		}
	}
	return b.Bytes()
}

// treeBytes concatenates every regular file under root; with gunzip,
// gzip-compressed files (cache layers) are decompressed first.
func treeBytes(t *testing.T, root string, gunzip bool) []byte {
	t.Helper()
	var b bytes.Buffer
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if gunzip && bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			if data, err = io.ReadAll(zr); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
		}
		b.Write(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
