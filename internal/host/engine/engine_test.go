package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/client/llb"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// testBuildkitd returns the buildkitd to test with ($CAIRN_BUILDKITD or the
// one `make` builds into bin/), skipping when the host cannot run it.
func testBuildkitd(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("CAIRN_BUILDKITD")
	if bin == "" {
		bin, _ = filepath.Abs(filepath.Join("..", "..", "bin", "buildkitd"))
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("no buildkitd at %s (run make, or set CAIRN_BUILDKITD): %v", bin, err)
	}
	if _, err := exec.LookPath("runc"); err != nil {
		t.Skipf("runc not installed: %v", err)
	}
	if os.Geteuid() != 0 {
		t.Skip("the embedded engine needs root")
	}
	return bin
}

// testConfig returns a Config for a private engine under a temp home, and
// stops that engine when the test ends.
func testConfig(t *testing.T, home string) Config {
	t.Helper()
	t.Setenv("BUILDKIT_HOST", "")
	cfg := Config{Home: home, Buildkitd: testBuildkitd(t), Log: testLog{t}}
	t.Cleanup(func() {
		if err := Stop(context.Background(), cfg); err != nil {
			t.Errorf("cleanup: Stop: %v", err)
		}
	})
	return cfg
}

// testLog sends progress lines to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(b), "\n"))
	return len(b), nil
}

func connect(t *testing.T, cfg Config) *client.Client {
	t.Helper()
	c, err := Connect(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func status(t *testing.T, cfg Config) Info {
	t.Helper()
	info, err := Status(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	return info
}

func TestConnectStartsReusesAndStops(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	c := connect(t, cfg)
	if _, err := c.ListWorkers(t.Context()); err != nil {
		t.Fatalf("ListWorkers on new engine: %v", err)
	}
	first := status(t, cfg)
	t.Logf("status: %+v", first)
	if !first.Embedded || !first.Running || first.PID == 0 {
		t.Fatalf("Status after Connect = %+v, want embedded, running, with pid", first)
	}
	if first.Version == "" || !strings.HasPrefix(first.Address, "unix://") || len(first.Platforms) == 0 {
		t.Errorf("Status after Connect = %+v, want version, unix address and platforms", first)
	}
	if !containsPlatform(first, platforms.DefaultSpec()) {
		t.Errorf("Status platforms %v lack the host platform", first.Platforms)
	}
	connect(t, cfg)
	if again := status(t, cfg); again.PID != first.PID {
		t.Errorf("second Connect: pid %d, want reused engine pid %d", again.PID, first.PID)
	}
	checkDetached(t, first)
	p, _ := cfg.layout()
	if err := Stop(t.Context(), cfg); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if alive(first.PID) {
		t.Errorf("engine pid %d still alive after Stop", first.PID)
	}
	if _, err := os.Stat(p.sock); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket %s after Stop: %v, want it gone", p.sock, err)
	}
	if after := status(t, cfg); after.Running || after.PID != 0 {
		t.Errorf("Status after Stop = %+v, want not running", after)
	}
	if err := Stop(t.Context(), cfg); err != nil {
		t.Errorf("Stop of a stopped engine: %v, want no-op", err)
	}
}

func containsPlatform(info Info, want ocispecs.Platform) bool {
	for _, p := range info.Platforms {
		if platforms.Only(want).Match(p) {
			return true
		}
	}
	return false
}

// checkDetached checks that the engine leads its own session, reads
// /dev/null and writes only to its log, not to the test's stdout/stderr.
func checkDetached(t *testing.T, info Info) {
	t.Helper()
	want := map[string]string{"0": os.DevNull, "1": info.LogFile, "2": info.LogFile}
	for fd, path := range want {
		got, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", info.PID, fd))
		if err != nil || got != path {
			t.Errorf("engine fd %s -> %q (%v), want %s", fd, got, err, path)
		}
	}
	if sid := sessionID(t, info.PID); sid != info.PID {
		t.Errorf("engine session id %d, want its own session %d", sid, info.PID)
	}
	log, err := os.ReadFile(info.LogFile)
	if err != nil || !bytes.Contains(log, []byte("running server on")) {
		t.Errorf("engine log %s: %v, want buildkitd's start-up lines, got:\n%s", info.LogFile, err, log)
	}
}

// sessionID reads the session id (field 6) from /proc/PID/stat.
func sessionID(t *testing.T, pid int) int {
	t.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	sid, _ := strconv.Atoi(fields[3]) // state ppid pgrp session
	return sid
}

func TestConcurrentConnectsShareOneEngine(t *testing.T) {
	home := t.TempDir()
	bin := testConfig(t, home).Buildkitd
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			cfg := Config{Home: home, Buildkitd: bin}
			c, err := Connect(t.Context(), cfg)
			if err == nil {
				_, err = c.ListWorkers(t.Context())
				c.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Connect %d: %v", i, err)
		}
	}
	p, _ := Config{Home: home}.layout()
	if pids := enginesServing(t, p.root); len(pids) != 1 {
		t.Errorf("buildkitd processes for %s: %v, want exactly one", p.root, pids)
	}
}

// enginesServing lists the live buildkitd processes started for root.
func enginesServing(t *testing.T, root string) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err == nil && alive(pid) && servesRoot(pid, root) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// helperHomeEnv makes the test binary act as a cairn process that connects
// and exits, leaving the engine running (see TestHelperConnect).
const helperHomeEnv = "CAIRN_ENGINE_TEST_HELPER_HOME"

func TestHelperConnect(t *testing.T) {
	home := os.Getenv(helperHomeEnv)
	if home == "" {
		t.Skip("subprocess helper for TestSubprocessesShareOneEngine")
	}
	c, err := Connect(t.Context(), Config{Home: home, Buildkitd: testBuildkitd(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	info, err := Status(t.Context(), Config{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("engine-pid=%d\n", info.PID)
}

// TestSubprocessesShareOneEngine runs two processes that connect at the
// same time, with their stdout on a pipe as in CI: both must return while
// the engine keeps running (it must not hold the pipe), sharing one engine.
func TestSubprocessesShareOneEngine(t *testing.T) {
	home := t.TempDir()
	testConfig(t, home)
	outs := make([][]byte, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperConnect$", "-test.v")
			cmd.Env = append(os.Environ(), helperHomeEnv+"="+home)
			cmd.WaitDelay = 10 * time.Second // fail instead of hanging on a held pipe
			outs[i], errs[i] = cmd.Output()
		})
	}
	wg.Wait()
	var pids []string
	for i := range outs {
		if errs[i] != nil {
			t.Fatalf("helper %d: %v\n%s", i, errs[i], outs[i])
		}
		pids = append(pids, helperPID(outs[i]))
	}
	if pids[0] == "" || pids[0] != pids[1] {
		t.Errorf("helpers saw engine pids %q, want one shared engine", pids)
	}
}

func helperPID(out []byte) string {
	for line := range strings.SplitSeq(string(out), "\n") {
		if pid, ok := strings.CutPrefix(line, "engine-pid="); ok {
			return pid
		}
	}
	return ""
}

func TestMissingBuildkitd(t *testing.T) {
	t.Setenv("BUILDKIT_HOST", "")
	home := t.TempDir()
	cfg := Config{Home: home, Buildkitd: filepath.Join(home, "no-such-buildkitd")}
	_, err := Connect(t.Context(), cfg)
	t.Logf("error:\n%v", err)
	var se *SetupError
	if !errors.As(err, &se) {
		t.Fatalf("Connect with missing buildkitd: %v, want *SetupError", err)
	}
	if !strings.Contains(se.Cause, "buildkitd") || !strings.Contains(se.Fix, "make setup") {
		t.Errorf("SetupError = %q, want cause naming buildkitd and fix 'make setup'", err)
	}
	if !strings.Contains(err.Error(), "\nFix: make setup") {
		t.Errorf("Error() = %q, want a Fix: line", err)
	}
}

func TestEngineExitingAtStartIsSetupError(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Buildkitd = filepath.Join(t.TempDir(), "buildkitd")
	script := "#!/bin/sh\necho 'first line'\necho 'boom: cannot create worker' >&2\nexit 3\n"
	if err := os.WriteFile(cfg.Buildkitd, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Connect(t.Context(), cfg)
	t.Logf("error:\n%v", err)
	var se *SetupError
	if !errors.As(err, &se) {
		t.Fatalf("Connect with failing buildkitd: %v, want *SetupError", err)
	}
	if !strings.Contains(se.Log, "boom: cannot create worker") || !strings.Contains(se.Fix, "cairn engine stop") {
		t.Errorf("SetupError = %q, want the log tail and a 'cairn engine stop' fix", err)
	}
	if info := status(t, cfg); info.Running || info.PID != 0 {
		t.Errorf("Status after failed start = %+v, want nothing running", info)
	}
}

func TestLongHomeUsesShortSocketDir(t *testing.T) {
	home := filepath.Join(t.TempDir(), strings.Repeat("a-long-directory-name/", 5))
	cfg := testConfig(t, home)
	p, err := cfg.layout()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.sock) > maxSocketPath || !strings.HasPrefix(p.sock, "/tmp/cairn-") {
		t.Fatalf("socket path %q (%d bytes), want a short /tmp/cairn-* path", p.sock, len(p.sock))
	}
	connect(t, cfg)
	if info := status(t, cfg); !info.Running || info.Address != p.address() {
		t.Errorf("Status = %+v, want running on %s", info, p.address())
	}
	if err := Stop(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p.sockDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket dir %s after Stop: %v, want it removed", p.sockDir, err)
	}
}

func TestExplicitAddress(t *testing.T) {
	embedded := testConfig(t, t.TempDir())
	connect(t, embedded)
	p, _ := embedded.layout()
	remote := Config{Home: t.TempDir(), Addr: p.address()}
	c := connect(t, remote)
	if _, err := c.ListWorkers(t.Context()); err != nil {
		t.Fatalf("ListWorkers via --addr: %v", err)
	}
	info := status(t, remote)
	if info.Embedded || !info.Running || info.PID != 0 || info.Address != p.address() {
		t.Errorf("Status via --addr = %+v, want a running, non-embedded engine", info)
	}
	var se *SetupError
	if err := Stop(t.Context(), remote); !errors.As(err, &se) {
		t.Errorf("Stop via --addr: %v, want *SetupError (not ours to stop)", err)
	}
}

func TestUnreachableAddress(t *testing.T) {
	for _, addr := range []string{"unix:///nonexistent/buildkitd.sock", "tcp://127.0.0.1:1"} {
		t.Run(addr, func(t *testing.T) {
			t.Setenv("BUILDKIT_HOST", addr)
			cfg := Config{Home: t.TempDir()}
			if cfg.Embedded() {
				t.Fatal("Embedded() with BUILDKIT_HOST set")
			}
			_, err := Connect(t.Context(), cfg)
			t.Logf("error:\n%v", err)
			var se *SetupError
			if !errors.As(err, &se) || !strings.Contains(se.Cause, addr) {
				t.Errorf("Connect(%s): %v, want *SetupError naming the address", addr, err)
			}
		})
	}
}

func TestPruneAndDiskUsage(t *testing.T) {
	c := connect(t, testConfig(t, t.TempDir()))
	st := llb.Scratch().File(llb.Mkfile("/hello", 0o644, bytes.Repeat([]byte("cairn "), 4096)))
	def, err := st.Marshal(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Solve(t.Context(), def, client.SolveOpt{}, nil); err != nil {
		t.Fatalf("Solve: %v", err)
	}
	u, err := DiskUsage(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Records) == 0 || u.Total <= 0 || u.Reclaimable <= 0 {
		t.Fatalf("DiskUsage after a solve = %+v, want reclaimable records", u)
	}
	// What was used within the hour, or fits in 1 GB, is kept.
	for _, keep := range []PruneOptions{{All: true, KeepDuration: time.Hour}, {All: true, KeepStorage: 1 << 30}} {
		if freed, err := Prune(t.Context(), c, keep); err != nil || freed != 0 {
			t.Errorf("Prune(%+v) freed %d bytes (%v), want 0: the records are fresh and small", keep, freed, err)
		}
	}
	freed, err := Prune(t.Context(), c, PruneOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if freed <= 0 {
		t.Errorf("Prune freed %d bytes, want > 0", freed)
	}
	if after, err := DiskUsage(t.Context(), c); err != nil || after.Reclaimable != 0 {
		t.Errorf("DiskUsage after Prune = %+v, %v; want nothing reclaimable", after, err)
	}
}

// TestInterruptedStartIsStopped gives up on a start at once (as on
// Ctrl-C): the engine that Connect launched is stopped, and the next
// Connect starts one engine of its own.
func TestInterruptedStartIsStopped(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Connect(ctx, cfg); !errors.Is(err, context.Canceled) {
		t.Fatalf("Connect with a cancelled context: %v, want context.Canceled", err)
	}
	p, _ := cfg.layout()
	if pid, ok := runningPID(p); ok {
		t.Fatalf("engine pid %d left running after the interrupted Connect", pid)
	}
	if pids := enginesServing(t, p.root); len(pids) != 0 {
		t.Fatalf("buildkitd processes after the interrupted Connect: %v, want none", pids)
	}
	connect(t, cfg)
	if pids := enginesServing(t, p.root); len(pids) != 1 {
		t.Errorf("buildkitd processes: %v, want one", pids)
	}
}
