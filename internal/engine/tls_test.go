package engine

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// certs is a throwaway PKI: one CA signing a server and a client cert.
type certs struct {
	ca, serverCert, serverKey, clientCert, clientKey string
}

// writeCerts creates the PKI as PEM files in dir.
func writeCerts(t *testing.T, dir string) certs {
	t.Helper()
	caKey := newKey(t)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "cairn test CA"},
		NotBefore:             time.Unix(0, 0),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	c := certs{ca: writePEM(t, dir, "ca.pem", "CERTIFICATE", caDER)}
	c.serverCert, c.serverKey = leaf(t, dir, "server", ca, caKey, x509.ExtKeyUsageServerAuth)
	c.clientCert, c.clientKey = leaf(t, dir, "client", ca, caKey, x509.ExtKeyUsageClientAuth)
	return c
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// leaf issues a cert for 127.0.0.1 and the name "buildkitd".
func leaf(t *testing.T, dir, name string, ca *x509.Certificate, caKey *ecdsa.PrivateKey, usage x509.ExtKeyUsage) (string, string) {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Unix(0, 0),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"buildkitd"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return writePEM(t, dir, name+".pem", "CERTIFICATE", der), writePEM(t, dir, name+"-key.pem", "EC PRIVATE KEY", keyDER)
}

func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

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
	if err := writeEngineConfig(p); err != nil {
		t.Fatal(err)
	}
	addr := "tcp://" + freeAddr(t)
	cmd := exec.Command(testBuildkitd(t), "--root", p.root, "--config", p.config, "--addr", addr,
		"--tlscacert", c.ca, "--tlscert", c.serverCert, "--tlskey", c.serverKey,
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
	cfg := Config{Addr: addr, TLSCACert: c.ca, TLSCert: c.clientCert, TLSKey: c.clientKey, TLSServerName: "buildkitd"}
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
	noClientCert := Config{Addr: addr, TLSCACert: c.ca, TLSServerName: "buildkitd"}
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
