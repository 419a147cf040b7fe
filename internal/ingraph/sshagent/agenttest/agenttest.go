// Package agenttest runs a real OpenSSH ssh-agent for tests, with keys
// from files or from a softhsm2 token loaded through PKCS#11 (ssh-add -s),
// as a user whose signing key lives on a token would.
package agenttest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/ingraph/sshagent"
	"github.com/cairn-build/cairn/internal/ingraph/transit/transittest"
)

// Agent is a running ssh-agent.
type Agent struct {
	Socket string
	env    []string
}

// Start runs ssh-agent in the foreground of a goroutine, its socket in a
// temporary directory, with env (a token's, so its PKCS#11 helper finds
// it), and stops it when tb ends.
func Start(tb testing.TB, env []string) *Agent {
	tb.Helper()
	for _, tool := range []string{"ssh-agent", "ssh-add"} {
		if _, err := exec.LookPath(tool); err != nil {
			tb.Fatalf("%s not found: run make setup (Debian package openssh-client)", tool)
		}
	}
	dir, err := os.MkdirTemp("", "cairn-agent-") // short: a socket path is at most 107 bytes
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	a := &Agent{Socket: filepath.Join(dir, "agent.sock")}
	a.env = append(append([]string(nil), env...), "SSH_AUTH_SOCK="+a.Socket)
	// -D: foreground, so the test owns the process; -P: PKCS#11 modules
	// under /usr/lib (the softhsm2 symlink resolves to a multiarch path).
	cmd := exec.Command("ssh-agent", "-D", "-a", a.Socket, "-P", "/usr/lib/*")
	cmd.Env = a.env
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(a.Socket); err == nil {
			return a
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("ssh-agent did not create %s in 5 s", a.Socket)
	return nil
}

// AddKey adds a PEM private key file.
func (a *Agent) AddKey(tb testing.TB, keyFile string) {
	tb.Helper()
	os.Chmod(keyFile, 0o600) // ssh-add refuses readable keys
	a.run(tb, nil, "ssh-add", keyFile)
}

// AddToken loads the keys of a softhsm2 token through PKCS#11, the PIN
// given by an askpass script as a user would type it.
func (a *Agent) AddToken(tb testing.TB, t *transittest.Token) {
	tb.Helper()
	askpass := filepath.Join(filepath.Dir(a.Socket), "askpass")
	if err := os.WriteFile(askpass, []byte("#!/bin/sh\necho "+transittest.PIN+"\n"), 0o700); err != nil {
		tb.Fatal(err)
	}
	a.run(tb, []string{"SSH_ASKPASS=" + askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0"}, "ssh-add", "-s", transittest.Module)
}

// List is ssh-add -l.
func (a *Agent) List(tb testing.TB) string {
	tb.Helper()
	return a.run(tb, nil, "ssh-add", "-l")
}

func (a *Agent) run(tb testing.TB, env []string, args ...string) string {
	tb.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(append(os.Environ(), a.env...), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// TokenSigner starts an agent holding the key of a new softhsm2 token
// (ssh-add -s) and returns the agent and its signer for that key, as a
// build would reach a key on a token.
func TokenSigner(tb testing.TB, name string) (*Agent, *sshagent.Signer) {
	tb.Helper()
	tok := transittest.NewToken(tb, name)
	a := Start(tb, tok.Env())
	a.AddToken(tb, tok)
	ag, err := sshagent.Dial(a.Socket)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ag.Close() })
	s, err := ag.Signer(tok.Public())
	if err != nil {
		tb.Fatal(err)
	}
	return a, s
}
