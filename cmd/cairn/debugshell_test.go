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

	pty, slave, err := console.NewPty()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer pty.Close()
	tty, err := os.OpenFile(slave, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	cmd := exec.Command(c.bin, args...)
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = c.env, tty, tty, tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	screen := &syncBuffer{}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := pty.Read(buf)
			screen.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	wait := func(what string) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Minute); !strings.Contains(screen.String(), what); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no %q on the terminal within 5 minutes (the bound fired):\n%s", what, screen.String())
			}
		}
	}
	wait("exit to end the build with its error")
	time.Sleep(500 * time.Millisecond)
	pty.Write([]byte("cat /out/half /data/input.txt; echo STAGE=$STAGE; pwd; exit\n"))
	wait("STAGE=debug-me")
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Errorf("after the shell: %v, want exit 1 with the step's error", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("cairn did not end after the shell exited (the bound fired):\n%s", screen.String())
	}
	out := screen.String()
	for _, want := range []string{"partial", "from the recipe", "/work", "exit code: 3"} {
		if !strings.Contains(out, want) {
			t.Errorf("the session lacks %q:\n%s", want, out)
		}
	}
}
