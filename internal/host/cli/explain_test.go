package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/buildkit/client"
	"github.com/opencontainers/go-digest"
)

// TestFailedStepKeepsWholeLog: the error shows a failed step's last 20
// lines and writes all of them to the failed-log directory, saying where;
// a step that succeeded leaves no log behind.
func TestFailedStepKeepsWholeLog(t *testing.T) {
	p := &progress{vertices: map[digest.Digest]*client.Vertex{}, logs: map[digest.Digest]*tail{}, execs: map[digest.Digest]bool{},
		cached: map[digest.Digest]bool{}, failedDir: filepath.Join(t.TempDir(), failedLogDir)}
	var whole strings.Builder
	for i := 1; i <= 100; i++ {
		line := fmt.Sprintf("build line %d\n", i)
		whole.WriteString(line)
		p.record(&client.SolveStatus{Logs: []*client.VertexLog{{Vertex: "sha256:bad", Data: []byte(line)}},
			Vertexes: []*client.Vertex{{Digest: "sha256:ok", Name: "fine"}}})
	}
	p.record(&client.SolveStatus{Logs: []*client.VertexLog{{Vertex: "sha256:ok", Data: []byte("fine\n")}}})
	p.record(&client.SolveStatus{Vertexes: []*client.Vertex{{Digest: "sha256:bad", Name: "make", Error: "exit code: 2"}}})
	out := p.failedLogs()
	if strings.Contains(out, "build line 80\n") || !strings.Contains(out, "build line 81\n") || !strings.Contains(out, "build line 100\n") {
		t.Errorf("the error shows more or less than the last 20 lines:\n%s", out)
	}
	m := regexp.MustCompile(`the whole log: (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no path to the whole log:\n%s", out)
	}
	b, err := os.ReadFile(m[1])
	if err != nil || string(b) != whole.String() {
		t.Errorf("%s holds %d bytes (%v), want the whole %d-byte log", m[1], len(b), err, whole.Len())
	}
	if entries, _ := os.ReadDir(p.failedDir); len(entries) != 1 {
		t.Errorf("%d logs kept, want only the failed step's", len(entries))
	}
}

// TestShortenCommand: a failed step's script is cut to its first line.
func TestShortenCommand(t *testing.T) {
	script := fmt.Sprintf("%q", "/bin/bash -c set -eu\nfail() { echo \"x\"; }\nmake")
	msg := `building k: failed to solve: process ` + script + ` did not complete successfully: exit code: 1`
	got := shortenCommand(msg)
	want := `building k: failed to solve: process "/bin/bash -c set -eu …" (the whole command: cairn graph) did not complete successfully: exit code: 1`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	short := `process "/hello --fail" did not complete successfully: exit code: 3`
	if got := shortenCommand(short); got != short {
		t.Errorf("a one-line command was changed: %s", got)
	}
}
