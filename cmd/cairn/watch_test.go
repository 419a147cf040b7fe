package main

// cairn watch: one build, then one more per burst of edits to a file the
// target reads; Ctrl-C ends it with 130 and nothing left running.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a buffer a process writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestWatch(t *testing.T) {
	c := shared(t)
	// The target also takes a file from a library on disk beside the
	// project (library(path = ...)): editing it rebuilds too.
	proj := newProject(t, "load(\"@lib//extra.star\", \"extra\")\ntarget(\"site\", merge([local(\"site\"), extra()]))\n")
	lib := t.TempDir()
	libFile := filepath.Join(lib, "extra.star")
	writeFile(t, libFile, "def extra():\n    return files({\"from-lib\": \"1\\n\"})\n")
	writeFile(t, filepath.Join(proj, "libraries.star"), "library(name = \"lib\", path = \""+lib+"\")\n")
	if err := os.MkdirAll(filepath.Join(proj, "site"), 0o755); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(proj, "site", "index.html")
	writeFile(t, page, "v0\n")
	out := filepath.Join(t.TempDir(), "out")
	var stderr syncBuffer
	cmd := exec.Command(c.bin, "watch", "-f", filepath.Join(proj, "cairn.star"), "-o", out, "--debounce", "1s", "site")
	cmd.Env, cmd.Stderr, cmd.Stdout = c.env, &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	builds := func() int { return strings.Count(stderr.String(), "built 1 target(s)") }
	// A generous bound: the first build starts the engine.
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Minute); !cond(); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no %s within 5 minutes (the bound fired; a busy machine is slow, not wrong):\n%s", what, stderr.String())
			}
		}
	}
	waitFor("first build", func() bool { return strings.Contains(stderr.String(), "cairn watch: watching") })
	// A burst of five edits, closer together than the debounce.
	for i := 1; i <= 5; i++ {
		writeFile(t, page, strings.Repeat("v", i)+"\n")
		time.Sleep(150 * time.Millisecond)
	}
	waitFor("rebuild", func() bool { return builds() == 2 && strings.Count(stderr.String(), "cairn watch: watching") == 2 })
	time.Sleep(3 * time.Second)
	if n := builds(); n != 2 {
		t.Errorf("%d builds for one burst of edits, want 2 (the first and one rebuild):\n%s", n, stderr.String())
	}
	if got := readFile(t, filepath.Join(out, "site", "index.html")); got != "vvvvv\n" {
		t.Errorf("the output holds %q, want the last edit", got)
	}
	if !strings.Contains(stderr.String(), "first cause: cairn.star:2 (modified site/index.html)") {
		t.Errorf("the rebuild does not name its cause:\n%s", stderr.String())
	}
	writeFile(t, libFile, "def extra():\n    return files({\"from-lib\": \"2\\n\"})\n")
	waitFor("rebuild after the library changed", func() bool { return builds() == 3 && strings.Count(stderr.String(), "cairn watch: watching") == 3 })
	if got := readFile(t, filepath.Join(out, "site", "from-lib")); got != "2\n" {
		t.Errorf("the output's from-lib holds %q after the library changed, want 2", got)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Errorf("after Ctrl-C: %v, want exit 130:\n%s", err, stderr.String())
	}
}
