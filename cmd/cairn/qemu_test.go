package main

// Booting images in qemu-system (TCG) and waiting for a marker on the
// serial console.

import (
	"bytes"
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// bootTimeout bounds one boot under TCG on a slow 2-core machine.
const bootTimeout = 6 * time.Minute

// bootMarker is what the test systems print once they are up.
const bootMarker = "CAIRN-SYSTEM-UP"

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

// bootUntilMatch runs qemu with args until match accepts the console
// (marker names what it looks for), and fails with the console log if it
// does not within bootTimeout. Boot tests use cairn vm (vmExpect); this
// boots what is not an output as it is: a tampered copy of one.
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

// vmExpect boots target's built output with cairn vm --no-build until
// marker shows on the console, and returns the console; the output must
// be as it was.
func vmExpect(t *testing.T, c cairn, recipe, out, target, marker string, args ...string) string {
	t.Helper()
	before := treeSums(t, filepath.Join(out, target))
	r := c.run(t, append([]string{"vm", "-f", recipe, "-o", out, "--no-build", target,
		"--expect", regexp.QuoteMeta(marker), "--timeout", bootTimeout.String()}, args...)...)
	if r.code != 0 {
		t.Fatalf("cairn vm %s: %s", target, r)
	}
	t.Logf("%s", lastLine(r.stderr))
	if slices.Contains(args, "--halt") && !strings.Contains(r.stderr, "cairn vm: the guest powered") {
		t.Errorf("cairn vm --halt did not say how the guest powered off:\n%s", r.stderr)
	}
	if after := treeSums(t, filepath.Join(out, target)); !maps.Equal(before, after) {
		t.Errorf("booting %s changed its output", target)
	}
	return r.stdout
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
