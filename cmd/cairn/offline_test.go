package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestGraphIsOffline prints a target's graph with no engine reachable: it
// must succeed, be deterministic, and not start an engine.
func TestGraphIsOffline(t *testing.T) {
	needBinary(t)
	home := t.TempDir()
	c := suite.cairn(home).with("BUILDKIT_HOST=unix:///nonexistent")
	tests := []struct {
		format string
		check  func(t *testing.T, out string)
	}{
		{"json", checkGraphJSON},
		{"dot", func(t *testing.T, out string) {
			if !strings.HasPrefix(out, "digraph") {
				t.Errorf("--format dot does not print a digraph:\n%s", clip(out))
			}
			// Nodes are labelled with the recipe line they come from.
			if !regexp.MustCompile(`label="[^"]*cairn\.star:[0-9]+\\n`).MatchString(out) {
				t.Errorf("--format dot labels no node with its .star line:\n%s", clip(out))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			args := []string{"graph", "-f", helloExample, "tarball", "--format", tt.format}
			first := c.ok(t, args...).stdout
			tt.check(t, first)
			if again := c.ok(t, args...).stdout; again != first {
				t.Errorf("two runs of cairn graph --format %s printed different graphs", tt.format)
			}
		})
	}
	if ents, err := os.ReadDir(home); err != nil || len(ents) > 0 {
		t.Errorf("cairn graph touched CAIRN_HOME (%v): %v", err, ents)
	}
}

func checkGraphJSON(t *testing.T, out string) {
	t.Helper()
	var g struct {
		Ops []json.RawMessage `json:"ops"`
	}
	if err := json.Unmarshal([]byte(out), &g); err != nil {
		t.Fatalf("cairn graph: not JSON: %v\n%s", err, clip(out))
	}
	if len(g.Ops) == 0 {
		t.Errorf("cairn graph: no ops:\n%s", clip(out))
	}
}

// TestSetupErrorsExit2 checks that problems fixed outside the recipe exit 2
// with a message that says what to do, before any output is written.
func TestSetupErrorsExit2(t *testing.T) {
	needBinary(t)
	tests := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"unreachable address", nil, []string{"--addr", "unix:///nonexistent/sock"}, "unix:///nonexistent/sock"},
		{"no buildkitd", []string{"CAIRN_BUILDKITD=/nonexistent"}, nil, "make setup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := suite.cairn(t.TempDir()).with(tt.env...)
			out := filepath.Join(t.TempDir(), "out")
			r := c.run(t, append([]string{"build", "-f", helloExample, "-o", out}, tt.args...)...)
			if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("want exit code 2 and %q on stderr; %s", tt.want, r)
			}
			if _, err := os.Lstat(out); err == nil {
				t.Errorf("a build that could not reach an engine created %s", out)
			}
		})
	}
}

// TestEngineCommands checks status, du and version against the shared
// engine after a build.
func TestEngineCommands(t *testing.T) {
	c := shared(t)
	c.ok(t, "build", "-f", helloExample, "-o", filepath.Join(t.TempDir(), "out"), "tree", "--progress", "quiet")
	helper := `sha256:[0-9a-f]{64}`
	tests := []struct {
		args []string
		want []string // patterns stdout must match, each at a line of its own
	}{
		{[]string{"engine", "status"}, []string{`running\s+true`, `embedded\s+true`, `version\s+` + regexp.QuoteMeta(buildkitVersion(t))}},
		{[]string{"engine", "du"}, []string{`records\t[1-9][0-9]*`, `total\t.+`}},
		{[]string{"engine", "du", "--verbose"}, []string{`records\t[1-9][0-9]*`, `ID +SIZE +LAST USED +USES +TYPE +IN USE +DESCRIPTION`}},
		{[]string{"version"}, []string{`cairn .+`, `buildkit ` + regexp.QuoteMeta(buildkitVersion(t)), `helper linux/amd64 ` + helper, `helper linux/arm64 ` + helper}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out := c.ok(t, tt.args...).stdout
			for _, p := range tt.want {
				if !regexp.MustCompile(`(?m)^` + p + `$`).MatchString(out) {
					t.Errorf("output lacks a line matching %q:\n%s", p, out)
				}
			}
		})
	}
}

// buildkitVersion is the BuildKit version go.mod pins.
func buildkitVersion(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s*github\.com/moby/buildkit (v\S+)`).FindStringSubmatch(readFile(t, "../../go.mod"))
	if m == nil {
		t.Fatal("go.mod does not require github.com/moby/buildkit")
	}
	return m[1]
}
