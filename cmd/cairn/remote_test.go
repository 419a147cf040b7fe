package main

// A remote engine: a second buildkitd serving only mutual TLS on loopback
// TCP, with its own state, reached through --addr, BUILDKIT_HOST and
// cairn.toml; and refused, with a clear message, without a client cert.

import (
	"fmt"
	"github.com/cairn-build/cairn/internal/host/engine/enginetest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// remoteRecipe runs the hello program and packs its output with cairn's
// helper, which the CLI serves to the remote engine over the session.
func remoteRecipe(arch string) string {
	return fmt.Sprintf(`greeting = run(["/hello", "/out/greeting", "remote"], rootfs = local("rootfs-%s"), output = "/out")
target("greet", greeting)
target("tar", archive(greeting, name = "greet.tar"))
`, arch)
}

func TestRemoteEngineMutualTLS(t *testing.T) {
	c := shared(t)
	hostRootfs(t)
	proj := newProject(t, remoteRecipe(runtime.GOARCH))
	recipe := filepath.Join(proj, "cairn.star")
	pki := writePKI(t, filepath.Join(proj, "certs"))
	addr := startTLSBuildkitd(t, c, pki)
	tlsFlags := []string{"--tlscacert", pki.CA, "--tlscert", pki.ClientCert, "--tlskey", pki.ClientKey}

	// The reference: the same recipe on the embedded engine.
	ref := filepath.Join(t.TempDir(), "out")
	c.ok(t, "build", "-f", recipe, "-o", ref, "--progress", "plain")
	want := fmt.Sprintf("hello from linux/%s args=[remote]\n", runtime.GOARCH)
	checkGreeting(t, ref, "greet", want)

	build := func(t *testing.T, c cairn, extra ...string) result {
		out := filepath.Join(t.TempDir(), "out")
		r := c.run(t, append([]string{"build", "-f", recipe, "-o", out, "--progress", "plain"}, extra...)...)
		if r.code == 0 {
			checkGreeting(t, out, "greet", want)
			for _, target := range []string{"greet", "tar"} {
				if a, b := readRecord(t, ref, target).Digest, readRecord(t, out, target).Digest; a != b {
					t.Errorf("%s: digest %s on the remote engine, %s on the embedded one", target, b, a)
				}
			}
		}
		return r
	}
	ok := func(t *testing.T, r result) {
		if r.code != 0 {
			t.Fatalf("%s", r)
		}
	}
	t.Run("--addr", func(t *testing.T) { ok(t, build(t, c, append([]string{"--addr", addr}, tlsFlags...)...)) })
	t.Run("BUILDKIT_HOST", func(t *testing.T) { ok(t, build(t, c.with("BUILDKIT_HOST="+addr), tlsFlags...)) })
	t.Run("cairn.toml", func(t *testing.T) {
		writeFile(t, filepath.Join(proj, "cairn.toml"), fmt.Sprintf(
			"[engine]\naddr = %q\ntlscacert = \"certs/ca.pem\"\ntlscert = \"certs/client.pem\"\ntlskey = \"certs/client-key.pem\"\n", addr))
		defer os.Remove(filepath.Join(proj, "cairn.toml"))
		ok(t, build(t, c))
		// $BUILDKIT_HOST wins over the file, and --addr over both.
		bogus := "tcp://127.0.0.1:1"
		r := build(t, c.with("BUILDKIT_HOST="+bogus))
		if r.code != 2 || !strings.Contains(r.stderr, "cannot reach the engine at "+bogus) {
			t.Errorf("BUILDKIT_HOST=%s: want exit 2 naming it (the environment wins over cairn.toml); %s", bogus, r)
		}
		ok(t, build(t, c.with("BUILDKIT_HOST="+bogus), append([]string{"--addr", addr}, tlsFlags...)...))
	})
	refused := []struct {
		name  string
		flags []string
		fix   string
	}{
		{"no client certificate", []string{"--tlscacert", pki.CA}, "pass --tlscert and --tlskey"},
		{"no TLS", nil, "--tlscacert"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			r := build(t, c, append([]string{"--addr", addr}, tt.flags...)...)
			t.Logf("cairn says:\n%s", r.stderr)
			if r.code != 2 {
				t.Fatalf("want exit code 2; %s", r)
			}
			for _, w := range []string{"cannot reach the engine at " + addr, tt.fix} {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}

// startTLSBuildkitd runs bin/buildkitd as a remote engine would run: TCP
// on loopback, mutual TLS required (a CA makes buildkitd demand client
// certificates), its own state, no debug listener. It returns the address.
func startTLSBuildkitd(t *testing.T, c cairn, p pki) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "cairn-rm") // short: the otel socket lives here
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) }) // runs after the engine stopped
	addr := "tcp://" + loopbackAddr(t)
	cfg := fmt.Sprintf("root = %q\n[otel]\n  socketPath = %q\n[worker.oci]\n  enabled = true\n  gc = true\n[worker.containerd]\n  enabled = false\n",
		filepath.Join(dir, "root"), filepath.Join(dir, "otel.sock"))
	writeFile(t, filepath.Join(dir, "buildkitd.toml"), cfg)
	daemon(t, exec.Command(suite.buildkitd, "--config", filepath.Join(dir, "buildkitd.toml"),
		"--root", filepath.Join(dir, "root"), "--addr", addr,
		"--tlscacert", p.CA, "--tlscert", p.ServerCert, "--tlskey", p.ServerKey,
		"--oci-worker=true", "--containerd-worker=false", "--oci-worker-snapshotter=auto"))
	until(t, "the TLS engine", func() error {
		if r := c.exec(t.Context(), "engine", "status", "--addr", addr, "--tlscacert", p.CA, "--tlscert", p.ClientCert, "--tlskey", p.ClientKey); r.code != 0 {
			return fmt.Errorf("%s", r.stderr)
		}
		return nil
	})
	return addr
}

// pki is a throwaway CA with one server and one client certificate, as
// PEM files.
type pki = enginetest.PKI

// writePKI creates the PKI in dir: ca.pem, server.pem, server-key.pem,
// client.pem, client-key.pem. The server certificate is for 127.0.0.1.
func writePKI(t *testing.T, dir string) pki { return enginetest.WritePKI(t, dir) }
