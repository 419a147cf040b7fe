package main

// Daemons the integration tests start beside the engine: a second
// buildkitd, an OCI registry (Debian's docker-registry) on loopback; and
// the waiting and cleanup they share.

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// startRegistry runs docker-registry on a free loopback port, with its
// storage in a temporary directory, until t ends; it returns host:port.
// With a "user:password", the registry accepts only that user.
func startRegistry(t *testing.T, userPass ...string) string {
	t.Helper()
	dir := t.TempDir()
	addr := loopbackAddr(t)
	cfg := fmt.Sprintf("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n", dir, addr)
	if len(userPass) > 0 {
		user, pass, _ := strings.Cut(userPass[0], ":")
		hash, err := bcrypt.GenerateFromPassword([]byte(pass), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, "htpasswd"), user+":"+string(hash)+"\n")
		cfg += fmt.Sprintf("auth:\n  htpasswd:\n    realm: cairn-test\n    path: %s\n", filepath.Join(dir, "htpasswd"))
	}
	writeFile(t, filepath.Join(dir, "config.yml"), cfg)
	cmd := exec.Command("docker-registry", "serve", filepath.Join(dir, "config.yml"))
	daemon(t, cmd)
	until(t, "docker-registry", func() error {
		_, err := registryGet("http://"+addr+"/v2/", userPass...)
		return err
	})
	return addr
}

// daemon starts cmd, logging to a file, and stops it when t ends: SIGTERM,
// then SIGKILL after 20 seconds. The log is shown when t failed.
func daemon(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	log, err := os.Create(filepath.Join(t.TempDir(), "daemon.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		log.Close()
		if t.Failed() {
			b, _ := os.ReadFile(log.Name())
			t.Logf("%s log (last lines):\n%s", filepath.Base(cmd.Path), tailLines(string(b), 30))
		}
	})
}

// until polls ready every 100ms for up to 60 seconds.
func until(t *testing.T, what string, ready func() error) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for err := ready(); err != nil; err = ready() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not come up: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tailLines returns the last n lines of s.
func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// loopbackAddr returns a 127.0.0.1 address nobody listens on right now.
func loopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
