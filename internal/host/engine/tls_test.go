package engine

import (
	"context"
	"errors"
	"github.com/cairn-build/cairn/internal/host/engine/enginetest"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// certs is a throwaway PKI: one CA signing a server and a client cert.
type certs = enginetest.PKI

// writeCerts creates the PKI as PEM files in dir.
func writeCerts(t *testing.T, dir string) certs { return enginetest.WritePKI(t, dir) }

// freeAddr returns a local TCP address nobody listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startTLSEngine runs a buildkitd that serves only mutual TLS on TCP, as a
// remote engine would, and returns its tcp:// address.
func startTLSEngine(t *testing.T, c certs) string {
	t.Helper()
	p, err := Config{Home: t.TempDir()}.layout()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.create(); err != nil {
		t.Fatal(err)
	}
	if err := writeEngineConfig(p, 0); err != nil {
		t.Fatal(err)
	}
	addr := "tcp://" + freeAddr(t)
	cmd := exec.Command(testBuildkitd(t), "--root", p.root, "--config", p.config, "--addr", addr,
		"--tlscacert", c.CA, "--tlscert", c.ServerCert, "--tlskey", c.ServerKey,
		"--oci-worker=true", "--containerd-worker=false")
	logf, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := terminate(context.Background(), cmd.Process.Pid); err != nil {
			t.Error(err)
		}
		cmd.Wait()
	})
	return addr
}

func TestMutualTLSAddress(t *testing.T) {
	c := writeCerts(t, t.TempDir())
	addr := startTLSEngine(t, c)
	cfg := Config{Addr: addr, TLSCACert: c.CA, TLSCert: c.ClientCert, TLSKey: c.ClientKey, TLSServerName: "buildkitd"}
	var err error
	for range 100 { // the engine needs a moment to listen
		var info Info
		if info, err = Status(t.Context(), cfg); err == nil && info.Running {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("Status over mTLS: %v", err)
	}
	cl := connect(t, cfg)
	if _, err := cl.ListWorkers(t.Context()); err != nil {
		t.Fatalf("ListWorkers over mTLS: %v", err)
	}
	noClientCert := Config{Addr: addr, TLSCACert: c.CA, TLSServerName: "buildkitd"}
	_, err = Connect(t.Context(), noClientCert)
	t.Logf("error without client cert:\n%v", err)
	var se *SetupError
	if !errors.As(err, &se) {
		t.Fatalf("Connect without a client cert: %v, want *SetupError", err)
	}
	if !strings.Contains(se.Fix, "pass --tlscert and --tlskey") { // whichever way the handshake failed
		t.Errorf("Connect without a client cert: fix %q, want it to name --tlscert and --tlskey", se.Fix)
	}
}

func TestTLSHints(t *testing.T) {
	tests := []struct{ err, want string }{
		{"connection error: desc = \"error reading server preface: remote error: tls: certificate required\"", "--tlscert"},
		{"tls: failed to verify certificate: x509: certificate signed by unknown authority", "--tlscacert"},
		{"x509: certificate is valid for buildkitd, not builder", "--tlsservername"},
		{"tls: first record does not look like a TLS handshake", "drop --tlscacert"},
		{"connection refused", ""},
	}
	for _, tt := range tests {
		got := tlsHint(errors.New(tt.err))
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("tlsHint(%q) = %q, want one naming %q", tt.err, got, tt.want)
		}
	}
}
