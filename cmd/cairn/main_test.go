package main

// The integration tests run the real cairn binary as a user would, on a real
// BuildKit engine. TestMain owns one shared CAIRN_HOME (one engine) that most
// tests use, and stops that engine at the end; tests that start engines of
// their own stop them too.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// suite is what TestMain prepared for the whole package run.
var suite testSuite

// testSuite holds the binaries under test and the shared engine home.
type testSuite struct {
	bin       string // cairn under test
	buildkitd string // the engine binary cairn starts
	home      string // shared CAIRN_HOME
	noBinary  string // why cairn cannot run here; "" when it can
	noEngine  string // why no engine can run here; "" when it can

	hello struct { // the static test program, built once per arch
		once sync.Once
		dir  string
		err  error
	}
}

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	home, err := os.MkdirTemp("", "cairn-t") // short: sockets have a 108-byte limit
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	suite.home = home
	suite.bin, suite.noBinary = findCairn()
	suite.buildkitd, suite.noEngine = findEngine()
	defer suite.teardown()
	return m.Run()
}

// findCairn returns $CAIRN_BIN, else builds bin/cairn with make.
func findCairn() (bin, why string) {
	if b := os.Getenv("CAIRN_BIN"); b != "" {
		if _, err := os.Stat(b); err != nil {
			return "", fmt.Sprintf("CAIRN_BIN=%s: %v", b, err)
		}
		return b, ""
	}
	out, err := exec.Command("make", "-C", "../..", "build").CombinedOutput()
	if err != nil {
		return "", fmt.Sprintf("CAIRN_BIN is unset and `make -C ../.. build` failed: %v\n%s", err, out)
	}
	b, err := filepath.Abs("../../bin/cairn")
	if err != nil {
		return "", err.Error()
	}
	return b, ""
}

// findEngine returns the buildkitd to use, or why the engine cannot run.
func findEngine() (bin, why string) {
	bin = os.Getenv("CAIRN_BUILDKITD")
	if bin == "" {
		bin, _ = filepath.Abs("../../bin/buildkitd")
	}
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Sprintf("no buildkitd (run make setup, or set CAIRN_BUILDKITD): %v", err)
	}
	if os.Geteuid() != 0 {
		return "", "the embedded engine needs root"
	}
	if _, err := exec.LookPath("runc"); err != nil {
		return "", fmt.Sprintf("runc is not installed (run make setup): %v", err)
	}
	return bin, ""
}

// teardown stops the shared engine and removes its home.
func (s *testSuite) teardown() {
	if s.bin != "" {
		if _, err := os.Stat(filepath.Join(s.home, "engine")); err == nil {
			r := s.cairn(s.home).exec(context.Background(), "engine", "stop")
			if r.code != 0 {
				fmt.Fprintf(os.Stderr, "stopping the shared engine: exit %d\n%s", r.code, r.stderr)
			}
		}
	}
	if err := os.RemoveAll(s.home); err != nil {
		fmt.Fprintf(os.Stderr, "removing %s: %v\n", s.home, err)
	}
	if s.hello.dir != "" {
		os.RemoveAll(s.hello.dir)
	}
}

// needBinary skips tb unless the cairn binary is available.
func needBinary(tb testing.TB) {
	tb.Helper()
	if suite.noBinary != "" {
		tb.Skip(suite.noBinary)
	}
}

// needEngine skips tb unless cairn can start an engine on this host.
func needEngine(tb testing.TB) {
	tb.Helper()
	needBinary(tb)
	if suite.noEngine != "" {
		tb.Skip(suite.noEngine)
	}
}

// shared returns cairn on the shared engine.
func shared(tb testing.TB) cairn {
	tb.Helper()
	needEngine(tb)
	return suite.cairn(suite.home)
}

// freshEngine returns cairn with a brand-new CAIRN_HOME whose engine is
// stopped, and the home removed, when tb ends.
func freshEngine(tb testing.TB) cairn {
	tb.Helper()
	needEngine(tb)
	home, err := os.MkdirTemp("", "cairn-r")
	if err != nil {
		tb.Fatal(err)
	}
	c := suite.cairn(home)
	tb.Cleanup(func() {
		if r := c.exec(context.Background(), "engine", "stop"); r.code != 0 {
			tb.Errorf("cairn engine stop (home %s): exit %d\n%s", home, r.code, r.stderr)
		}
		if err := os.RemoveAll(home); err != nil {
			tb.Errorf("removing %s: %v", home, err)
		}
	})
	return c
}

// cairn runs the binary under test with one CAIRN_HOME.
type cairn struct {
	bin string
	env []string // complete environment
}

func (s *testSuite) cairn(home string) cairn {
	var env []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "CAIRN_HOME", "CAIRN_BUILDKITD", "BUILDKIT_HOST", "SOURCE_DATE_EPOCH":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "CAIRN_HOME="+home)
	if s.buildkitd != "" {
		env = append(env, "CAIRN_BUILDKITD="+s.buildkitd)
	}
	return cairn{bin: s.bin, env: env}
}

// with returns c with extra KEY=VALUE settings (later ones win).
func (c cairn) with(kv ...string) cairn {
	c.env = append(append([]string(nil), c.env...), kv...)
	return c
}

// result is one finished cairn command.
type result struct {
	args           []string
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("cairn %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(r.args, " "), r.code, clip(r.stdout), r.stderr)
}

// clip shortens long output (graph JSON embeds whole binaries).
func clip(s string) string {
	if len(s) > 4000 {
		return s[:4000] + "\n... (clipped)"
	}
	return s
}

// commandTimeout bounds one cairn command, engine start included. It is
// there to end a hung command, not to judge speed: a cold arm64 configure
// on a busy 2-core machine takes minutes. CAIRN_TEST_COMMAND_TIMEOUT
// (a Go duration) changes it.
var commandTimeout = func() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("CAIRN_TEST_COMMAND_TIMEOUT")); err == nil && d > 0 {
		return d
	}
	return 30 * time.Minute
}()

// errTestBound is the cause of a command stopped by commandTimeout.
var errTestBound = errors.New("the test's time bound fired")

// run runs cairn with args and returns what happened; it fails tb only if
// the process could not run at all.
func (c cairn) run(tb testing.TB, args ...string) result {
	tb.Helper()
	r := c.exec(tb.Context(), args...)
	if r.code < 0 {
		tb.Fatalf("%s", r)
	}
	tb.Logf("cairn %s: exit %d", strings.Join(args, " "), r.code)
	return r
}

// ok runs cairn and fails tb unless it exits 0.
func (c cairn) ok(tb testing.TB, args ...string) result {
	tb.Helper()
	r := c.run(tb, args...)
	if r.code != 0 {
		tb.Fatalf("%s", r)
	}
	return r
}

// exec runs cairn; code is -1 when it did not run or was killed.
func (c cairn) exec(ctx context.Context, args ...string) result {
	ctx, cancel := context.WithTimeoutCause(ctx, commandTimeout, errTestBound)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = c.env
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 30 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.Is(context.Cause(ctx), errTestBound):
		r.code = -1
		r.stderr += fmt.Sprintf("\n(%v: cairn ran longer than %s, so the test stopped it; this says the machine was slow or cairn hung, "+
			"not that the build failed; set CAIRN_TEST_COMMAND_TIMEOUT to allow more)", errTestBound, commandTimeout)
	case ctx.Err() != nil:
		r.code = -1
		r.stderr += fmt.Sprintf("\n(the test's own deadline stopped cairn: %v; go test -timeout bounds the whole run)", context.Cause(ctx))
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		r.code = exit.ExitCode()
	default:
		r.code = -1
		r.stderr += fmt.Sprintf("\n(cairn did not finish: %v)", err)
	}
	return r
}
