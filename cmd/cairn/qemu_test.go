package main

// Booting images in qemu-system (TCG) and waiting for a marker on the
// serial console.

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// bootTimeout bounds one boot under TCG on a slow 2-core machine.
const bootTimeout = 6 * time.Minute

// firmware files from Debian's ovmf and qemu-efi-aarch64 packages.
const (
	ovmfCode   = "/usr/share/OVMF/OVMF_CODE.fd"
	ovmfVars   = "/usr/share/OVMF/OVMF_VARS.fd"
	aavmfCode  = "/usr/share/AAVMF/AAVMF_CODE.fd"
	aavmfVars  = "/usr/share/AAVMF/AAVMF_VARS.fd"
	bootMarker = "CAIRN-SYSTEM-UP"
)

// consoleLog is a serial console that signals when a marker appears.
type consoleLog struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	match func(string) bool
	seen  chan struct{}
	once  sync.Once
}

func (c *consoleLog) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	if c.match(c.buf.String()) {
		c.once.Do(func() { close(c.seen) })
	}
	return len(p), nil
}

func (c *consoleLog) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// bootUntil runs qemu with args until marker shows on the console, and
// fails with the console log if it does not within bootTimeout.
func bootUntil(t *testing.T, marker string, qemu string, args ...string) string {
	t.Helper()
	return bootUntilMatch(t, marker, func(s string) bool { return strings.Contains(s, marker) }, qemu, args...)
}

// bootUntilMatch is bootUntil with the console matched by match (the
// whole line a pattern ends, not its first words), marker naming it.
func bootUntilMatch(t *testing.T, marker string, match func(string) bool, qemu string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(qemu); err != nil {
		t.Fatalf("%s not found: run make setup (Debian packages qemu-system-x86, qemu-system-arm)", qemu)
	}
	ctx, cancel := context.WithTimeout(t.Context(), bootTimeout)
	defer cancel()
	log := &consoleLog{match: match, seen: make(chan struct{})}
	cmd := exec.CommandContext(ctx, qemu, append([]string{"-nographic", "-no-reboot", "-m", "1024"}, args...)...)
	cmd.Stdout, cmd.Stderr = log, log
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-log.seen:
		t.Logf("%s: marker %q after %s", filepath.Base(qemu), marker, time.Since(start).Round(time.Second))
		cancel()
		<-done
	case err := <-done:
		t.Fatalf("qemu exited (%v) before printing %q; console:\n%s", err, marker, tail(log.String(), 6000))
	case <-ctx.Done():
		<-done
		t.Fatalf("no %q on the console within %s; console:\n%s", marker, bootTimeout, tail(log.String(), 6000))
	}
	return log.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "...\n" + s[len(s)-n:]
	}
	return s
}

// varsCopy is a writable copy of a UEFI variable store template.
func varsCopy(t *testing.T, template string) string {
	t.Helper()
	b, err := os.ReadFile(template)
	if err != nil {
		t.Fatalf("UEFI firmware missing (run make setup: ovmf, qemu-efi-aarch64): %v", err)
	}
	p := filepath.Join(t.TempDir(), "vars.fd")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func pflash(code, vars string) []string {
	return []string{
		"-drive", "if=pflash,format=raw,readonly=on,file=" + code,
		"-drive", "if=pflash,format=raw,file=" + vars,
	}
}
