package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/moby/buildkit/util/grpcerrors"
	"google.golang.org/grpc/codes"
	grpcstatus "google.golang.org/grpc/status"
)

// eof is what the client's status stream returns when buildkitd dies.
func eof() error {
	return fmt.Errorf("failed to receive status: %w", grpcstatus.Error(codes.Unavailable, "error reading from server: EOF"))
}

func TestConnectionLost(t *testing.T) {
	const sock = "/home/u/.cache/cairn/engine/buildkitd.sock"
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"status stream EOF", eof(), true},
		{"wrapped by the CLI", fmt.Errorf("building img: %w", eof()), true},
		{"one of several", errors.Join(errors.New("other target failed"), eof()), true},
		{"BuildKit grpcerrors", grpcerrors.FromGRPC(grpcstatus.Error(codes.Unavailable, "connection error")), true},
		{"flattened to text", errors.New("rpc error: code = Unavailable desc = transport is closing"), true},
		{"socket refused", errors.New("dial unix " + sock + ": connect: connection refused"), true},
		{"a step's download refused", errors.New(`Get "http://10.0.0.1/x": dial tcp 10.0.0.1:80: connect: connection refused`), false},
		{"failed step", grpcstatus.Error(codes.Unknown, `process "/hello" did not complete successfully: exit code: 3`), false},
		{"cancelled", fmt.Errorf("solve: %w", context.Canceled), false},
		{"gRPC cancelled", grpcstatus.Error(codes.Canceled, "context canceled"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := connectionLost(tt.err, sock); got != tt.want {
				t.Errorf("connectionLost(%q) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestLostRemote(t *testing.T) {
	cfg := Config{Addr: "tcp://127.0.0.1:1234"}
	err := cfg.Lost(t.Context(), fmt.Errorf("building img: %w", eof()))
	se := wantSetupError(t, err)
	if se.Cause != "lost the connection to the engine at tcp://127.0.0.1:1234" || !strings.Contains(se.Fix, "check the engine at tcp://127.0.0.1:1234") {
		t.Errorf("Lost = %q, want the remote address in the cause and the fix", err)
	}
	if err := cfg.Lost(t.Context(), errors.New("recipe failed")); err != nil {
		t.Errorf("Lost(other error) = %v, want nil", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := cfg.Lost(ctx, eof()); err != nil {
		t.Errorf("Lost after Ctrl-C = %v, want nil", err)
	}
	if err := cfg.Lost(t.Context(), nil); err != nil {
		t.Errorf("Lost(nil) = %v, want nil", err)
	}
}

func TestLostEmbeddedStopped(t *testing.T) {
	cfg, p := fakeEngineHome(t)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	writeEngineFiles(t, p, dead.Process.Pid)
	// Once the engine is gone, any error of the command is put down to it.
	for _, cause := range []error{eof(), errors.New("building img: context canceled")} {
		err := cfg.Lost(t.Context(), cause)
		t.Logf("Lost:\n%v", err)
		se := wantSetupError(t, err)
		want := fmt.Sprintf("the engine (cairn's own buildkitd, pid %d) stopped while cairn was using it", dead.Process.Pid)
		if se.Cause != want || se.LogFile != p.log || !strings.HasSuffix(se.Log, "last words") ||
			!strings.HasPrefix(se.Fix, "run the command again; cairn starts a new engine") || !errors.Is(err, cause) {
			t.Errorf("Lost = %+v, want cause %q, the log and a retry fix", se, want)
		}
	}
	os.Remove(p.pid)
	if se := wantSetupError(t, cfg.Lost(t.Context(), eof())); se.Cause != "the engine (cairn's own buildkitd) stopped while cairn was using it" {
		t.Errorf("without a pid file: cause %q", se.Cause)
	}
}

func TestLostEmbeddedStillRunning(t *testing.T) {
	cfg, p := fakeEngineHome(t)
	// A stand-in for buildkitd: alive, with the engine root on its command line.
	fake := exec.Command("sh", "-c", "sleep 60; exit 0", "sh", "--root", p.root) // not exec: keep the root in argv
	fake.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(-fake.Process.Pid, syscall.SIGKILL); fake.Wait() })
	writeEngineFiles(t, p, fake.Process.Pid)
	if err := cfg.Lost(t.Context(), errors.New("recipe failed")); err != nil {
		t.Errorf("Lost(other error) with the engine running = %v, want nil", err)
	}
	se := wantSetupError(t, cfg.Lost(t.Context(), eof()))
	if !strings.Contains(se.Cause, fmt.Sprintf("pid %d, still running", fake.Process.Pid)) || se.Fix != retryFix {
		t.Errorf("Lost = %+v, want a cut-off connection and %q", se, retryFix)
	}
}

// fakeEngineHome returns a Config for the embedded engine under a temp home
// with its state directory created, and its layout.
func fakeEngineHome(t *testing.T) (Config, paths) {
	t.Helper()
	t.Setenv("BUILDKIT_HOST", "")
	cfg := Config{Home: t.TempDir()}
	p, err := cfg.layout()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.create(); err != nil {
		t.Fatal(err)
	}
	return cfg, p
}

// writeEngineFiles writes the pid file and a log ending in "last words".
func writeEngineFiles(t *testing.T, p paths, pid int) {
	t.Helper()
	if err := writePID(p.pid, pid); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.log, []byte("starting\nlast words\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func wantSetupError(t *testing.T, err error) *SetupError {
	t.Helper()
	var se *SetupError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want a *SetupError", err)
	}
	return se
}
