package main

// cairn build --debug-on-fail: a failed run() step opens a shell in its
// container, through a pty here as a terminal would give it; the shell
// sees what the step wrote and its inputs; leaving it ends the build with
// the step's error. Without a terminal it says how to get one.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/containerd/console"
)

const debugRecipe = `
data = files({"input.txt": "from the recipe\n"})
step = run(["/bin/sh", "-c", "echo partial > /out/half; exit 3"], rootfs = local("bb"), workdir = "/work",
           mounts = {"/data": data}, output = "/out", env = {"STAGE": "debug-me"})
target("broken", step)
fine = run(["/bin/sh", "-c", "echo done > /out/ok"], rootfs = local("bb"), workdir = "/work",
           mounts = {"/data": data}, output = "/out", env = {"STAGE": "look-here"})
target("fine", fine)
`

// busyboxRoot puts a static busybox (Debian's busybox-static) in dir/bb
// as its /bin/sh.
func busyboxRoot(t *testing.T, dir string) {
	t.Helper()
	bb, err := exec.LookPath("busybox")
	if err != nil {
		t.Skip("busybox not installed (make setup: busybox-static)")
	}
	if err := os.MkdirAll(filepath.Join(dir, "bb", "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := copyFile(bb, filepath.Join(dir, "bb", "bin", "busybox")); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dir, "bb", "bin", "busybox"), 0o755)
	for _, n := range []string{"sh", "cat", "ls", "echo", "env"} {
		os.Symlink("busybox", filepath.Join(dir, "bb", "bin", n))
	}
	os.MkdirAll(filepath.Join(dir, "bb", "work"), 0o755)
}

func TestDebugOnFail(t *testing.T) {
	c := shared(t)
	proj := newProject(t, debugRecipe)
	busyboxRoot(t, proj)
	args := []string{"build", "-f", filepath.Join(proj, "cairn.star"), "-o", filepath.Join(t.TempDir(), "out"), "--debug-on-fail", "broken"}

	// No terminal: no shell, and no hang.
	r := c.run(t, args...)
	if r.code != 1 || !strings.Contains(r.stderr, "no terminal on stdin, so no shell") || !strings.Contains(r.stderr, "exit code: 3") {
		t.Fatalf("--debug-on-fail without a terminal: %s", r)
	}

	s := startPTY(t, c, args...)
	s.wait("exit to end the build with its error")
	s.type_("cat /out/half /data/input.txt; echo STAGE=$STAGE; pwd; exit\n")
	s.wait("STAGE=debug-me")
	if code := s.exit(); code != 1 {
		t.Errorf("after the shell: exit %d, want 1 with the step's error", code)
	}
	screen := s.screen
	out := screen.String()
	for _, want := range []string{"partial", "from the recipe", "/work", "exit code: 3"} {
		if !strings.Contains(out, want) {
			t.Errorf("the session lacks %q:\n%s", want, out)
		}
	}
}

// TestShellAt: cairn shell opens a shell in the inputs of a step that
// succeeded, at its recipe line.
func TestShellAt(t *testing.T) {
	c := shared(t)
	proj := newProject(t, debugRecipe)
	busyboxRoot(t, proj)
	base := []string{"shell", "-f", filepath.Join(proj, "cairn.star"), "fine"}
	if r := c.run(t, append(base, "--at", "cairn.star:3")...); r.code != 1 || !strings.Contains(r.stderr, "needs a terminal") {
		t.Errorf("cairn shell without a terminal: %s", r)
	}
	s := startPTY(t, c, append(base, "--at", "2")...)
	s.wait("its command steps are at cairn.star:6")
	if code := s.exit(); code != 1 {
		t.Errorf("--at a line with no step: exit %d", code)
	}
	s = startPTY(t, c, append(base, "--at", "cairn.star:6")...)
	s.wait("what it writes is thrown away")
	s.type_("cat /data/input.txt; echo STAGE=$STAGE; pwd; ls /out; exit\n")
	s.wait("STAGE=look-here")
	if code := s.exit(); code != 0 {
		t.Errorf("after the shell: exit %d", code)
	}
	for _, want := range []string{"from the recipe", "/work"} {
		if !strings.Contains(s.screen.String(), want) {
			t.Errorf("the session lacks %q:\n%s", want, s.screen.String())
		}
	}
}

// ptySession is cairn run on a pseudo-terminal, as from a shell.
type ptySession struct {
	t      *testing.T
	pty    console.Console
	cmd    *exec.Cmd
	screen *syncBuffer
}

func startPTY(t *testing.T, c cairn, args ...string) *ptySession {
	t.Helper()
	pty, slave, err := console.NewPty()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	t.Cleanup(func() { pty.Close() })
	tty, err := os.OpenFile(slave, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	cmd := exec.Command(c.bin, args...)
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = c.env, tty, tty, tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	s := &ptySession{t: t, pty: pty, cmd: cmd, screen: &syncBuffer{}}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := pty.Read(buf)
			s.screen.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	return s
}

func (s *ptySession) wait(what string) {
	s.t.Helper()
	for deadline := time.Now().Add(5 * time.Minute); !strings.Contains(s.screen.String(), what); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			s.t.Fatalf("no %q on the terminal within 5 minutes (the bound fired):\n%s", what, s.screen.String())
		}
	}
}

// type_ types a line once the shell has had a moment to start.
func (s *ptySession) type_(line string) {
	time.Sleep(500 * time.Millisecond)
	s.pty.Write([]byte(line))
}

// exit waits for cairn to end and returns its exit code.
func (s *ptySession) exit() int {
	s.t.Helper()
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			s.t.Fatal(err)
		}
		return 0
	case <-time.After(2 * time.Minute):
		s.t.Fatalf("cairn did not end (the bound fired):\n%s", s.screen.String())
	}
	return -1
}
