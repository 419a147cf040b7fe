package main

// The engine dying under a build: cairn says which engine stopped, where
// its log is, exits 2 (a machine problem, not the recipe's), and the next
// build recovers. And a --platform cairn does not build for is named as
// such, before any engine is involved.

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sleeperSrc is a static program for a step that is still running when
// the test kills the engine: it sleeps, then writes the file it is given.
const sleeperSrc = `package main

import (
	"os"
	"time"
)

func main() {
	time.Sleep(120 * time.Second)
	os.WriteFile(os.Args[1], []byte("woke\n"), 0o644)
}
`

// deathRecipe has a step that sleeps (its argv carries nonce, so the test
// can find its process) and one that finishes at once.
func deathRecipe(nonce string) string {
	return fmt.Sprintf(`target("slow", run(["/sleeper", "/out/done", %q], rootfs = local("rootfs-sleep"), output = "/out"))
target("greet", run(["/hello", "/out/greeting", "x"], rootfs = local("rootfs-%s"), output = "/out"))
`, nonce, runtime.GOARCH)
}

func TestEngineDeathIsDiagnosed(t *testing.T) {
	c := freshEngine(t)
	hostRootfs(t)
	home := engineHome(t, c)
	nonce := "nonce-" + filepath.Base(home)
	t.Cleanup(func() { killSteps(t, nonce); unmountUnder(t, home) }) // before the engine home goes
	proj := newProject(t, deathRecipe(nonce))
	buildSleeper(t, filepath.Join(proj, "rootfs-sleep", "sleeper"))
	recipe := filepath.Join(proj, "cairn.star")

	r := killEngineDuring(t, c, nonce, func() {
		pid := atoiFile(t, filepath.Join(home, "engine", "buildkitd.pid"))
		t.Logf("killing the engine, pid %d", pid)
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
	}, "build", "-f", recipe, "-o", filepath.Join(t.TempDir(), "out"), "--progress", "plain", "slow")
	t.Logf("cairn says:\n%s", r.stderr)
	log := filepath.Join(home, "engine", "buildkitd.log")
	checkEngineLost(t, r, "cairn: the engine (cairn's own buildkitd, pid ", "stopped while cairn was using it",
		"Last lines of "+log+":", "Fix: run the command again; cairn starts a new engine")
	killSteps(t, nonce)
	unmountUnder(t, home)

	// The next build starts a new engine and succeeds.
	out := filepath.Join(t.TempDir(), "out")
	c.ok(t, "build", "-f", recipe, "-o", out, "--progress", "plain", "greet")
	checkGreeting(t, out, "greet", fmt.Sprintf("hello from linux/%s args=[x]\n", runtime.GOARCH))
}

func TestRemoteEngineDeathIsDiagnosed(t *testing.T) {
	c := shared(t)
	hostRootfs(t)
	dir, err := os.MkdirTemp("", "cairn-rd") // short: the otel socket lives here
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) }) // runs after the engine stopped
	nonce := "nonce-" + filepath.Base(dir)
	t.Cleanup(func() { killSteps(t, nonce); unmountUnder(t, dir) })
	proj := newProject(t, deathRecipe(nonce))
	buildSleeper(t, filepath.Join(proj, "rootfs-sleep", "sleeper"))
	addr, engine := startPlainBuildkitd(t, c, dir)

	r := killEngineDuring(t, c, nonce, func() {
		t.Logf("killing the remote engine, pid %d", engine.Process.Pid)
		if err := engine.Process.Kill(); err != nil {
			t.Fatal(err)
		}
	}, "build", "-f", filepath.Join(proj, "cairn.star"), "-o", filepath.Join(t.TempDir(), "out"), "--progress", "plain", "--addr", addr, "slow")
	t.Logf("cairn says:\n%s", r.stderr)
	checkEngineLost(t, r, "cairn: lost the connection to the engine at "+addr, "Fix: check the engine at "+addr)
}

// TestUnknownPlatformIsUsage checks that a platform cairn does not build
// for is a usage error naming the ones it does, not a missing emulator.
func TestUnknownPlatformIsUsage(t *testing.T) {
	needBinary(t)
	c := suite.cairn(t.TempDir()).with("BUILDKIT_HOST=unix:///nonexistent/sock")
	recipe := filepath.Join(newProject(t, helloRecipe), "cairn.star")
	r := c.run(t, "build", "-f", recipe, "-o", filepath.Join(t.TempDir(), "out"), "--platform", "linux/sparc99")
	want := "--platform linux/sparc99: unknown platform; cairn builds for linux/386, linux/amd64, linux/arm/v5, linux/arm/v7, linux/arm64, linux/ppc64le, linux/riscv64, linux/s390x"
	if r.code != 2 || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "qemu") {
		t.Errorf("want exit 2 and %q (and no qemu advice); %s", want, r)
	}
}

// killEngineDuring runs cairn with args, calls kill once the step tagged
// nonce is running, and returns how cairn ended.
func killEngineDuring(t *testing.T, c cairn, nonce string, kill func(), args ...string) result {
	t.Helper()
	done := make(chan result, 1)
	go func() { done <- c.exec(t.Context(), args...) }()
	deadline := time.Now().Add(3 * time.Minute)
	for len(stepPIDs(nonce)) == 0 {
		select {
		case r := <-done:
			t.Fatalf("the build ended before its step ran; %s", r)
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the sleeping step did not start within 3 minutes")
		}
	}
	kill()
	select {
	case r := <-done:
		return r
	case <-time.After(2 * time.Minute):
		t.Fatal("cairn did not finish within 2 minutes of the engine's death")
	}
	return result{}
}

// checkEngineLost checks a build whose engine went away: exit 2, the
// diagnosis with each of want, and no raw gRPC error as a line of its own.
func checkEngineLost(t *testing.T, r result, want ...string) {
	t.Helper()
	if r.code != 2 {
		t.Errorf("exit code %d, want 2 (a machine problem)", r.code)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q", w)
		}
	}
	for _, line := range strings.Split(r.stderr, "\n") {
		if strings.HasPrefix(line, "rpc error") || strings.HasPrefix(line, "failed to receive status") {
			t.Errorf("stderr has the raw gRPC error as a headline: %q", line)
		}
	}
}

// buildSleeper builds sleeperSrc as a static binary for the host at out.
func buildSleeper(t *testing.T, out string) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("the go command is needed to build the test program: %v", err)
	}
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "main.go"), sleeperSrc)
	writeFile(t, filepath.Join(src, "go.mod"), "module sleeper\n\ngo 1.22\n")
	if err := goBuild(goBin, src, runtime.GOARCH, out); err != nil {
		t.Fatal(err)
	}
}

// startPlainBuildkitd runs bin/buildkitd as a remote engine on loopback
// TCP without TLS, with its state in dir; it returns the address and the
// process (which daemon stops when t ends).
func startPlainBuildkitd(t *testing.T, c cairn, dir string) (string, *exec.Cmd) {
	t.Helper()
	addr := "tcp://" + loopbackAddr(t)
	cfg := fmt.Sprintf("root = %q\n[otel]\n  socketPath = %q\n[worker.oci]\n  enabled = true\n[worker.containerd]\n  enabled = false\n",
		filepath.Join(dir, "root"), filepath.Join(dir, "otel.sock"))
	writeFile(t, filepath.Join(dir, "buildkitd.toml"), cfg)
	cmd := exec.Command(suite.buildkitd, "--config", filepath.Join(dir, "buildkitd.toml"), "--root", filepath.Join(dir, "root"),
		"--addr", addr, "--oci-worker=true", "--containerd-worker=false", "--oci-worker-snapshotter=auto")
	daemon(t, cmd)
	until(t, "the remote engine", func() error {
		if r := c.exec(t.Context(), "engine", "status", "--addr", addr); r.code != 0 {
			return fmt.Errorf("%s", r.stderr)
		}
		return nil
	})
	return addr, cmd
}

// stepPIDs returns the processes whose command line holds nonce.
func stepPIDs(nonce string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmdline, []byte("\x00"+nonce+"\x00")) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killSteps kills the steps a dead engine left running.
func killSteps(t *testing.T, nonce string) {
	for _, pid := range stepPIDs(nonce) {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Logf("killing leftover step pid %d: %v", pid, err)
		}
	}
}

// unmountUnder detaches the mounts a killed engine left below dir, so its
// state can be removed.
func unmountUnder(t *testing.T, dir string) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Log(err)
		return
	}
	defer f.Close()
	var mounts []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) > 4 && strings.HasPrefix(fields[4], dir+"/") {
			mounts = append(mounts, fields[4])
		}
	}
	for i := len(mounts) - 1; i >= 0; i-- {
		if err := syscall.Unmount(mounts[i], syscall.MNT_DETACH); err != nil {
			t.Logf("unmounting %s: %v", mounts[i], err)
		}
	}
}

// atoiFile reads the decimal number in path.
func atoiFile(t *testing.T, path string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(readFile(t, path)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return n
}
