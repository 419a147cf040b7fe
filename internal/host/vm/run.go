package vm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"time"
)

// ErrNoMatch is the error of an Expect that did not see its pattern.
var ErrNoMatch = errors.New("the console did not print the pattern")

// Expect runs qemu until its console prints a line matching re, echoing
// the console to w. On a match it stops qemu, or with halt powers the
// guest off (see powerOff) and says how in halted; it fails with the last
// console lines when qemu exits first or timeout passes.
func Expect(ctx context.Context, w io.Writer, re *regexp.Regexp, timeout time.Duration, halt func(string), name string, args ...string) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	con := &console{w: w, re: re, seen: make(chan struct{})}
	stdin, done, err := start(ctx, con, halt != nil, name, args...)
	if err != nil {
		return err
	}
	select {
	case <-con.seen:
		if halt != nil {
			how, err := powerOff(stdin, done)
			if err != nil {
				cancel()
				<-done
				return fmt.Errorf("%w; the console's last lines:\n%s", err, con.tail(20))
			}
			halt(how)
			return nil
		}
		cancel()
		<-done
		return nil
	case err := <-done:
		select {
		case <-con.seen:
			// The guest printed the pattern and powered itself off
			// (a test system's init often does both at once).
			if halt != nil {
				halt("powered itself off")
			}
			return nil
		default:
		}
		return fmt.Errorf("%w: qemu exited (%v) first; the console's last lines:\n%s", ErrNoMatch, err, con.tail(40))
	case <-ctx.Done():
		<-done
		if ctx.Err() == context.DeadlineExceeded {
			return fmt.Errorf("%w %q within --timeout %s (the bound fired; under TCG on a busy machine a boot can take minutes: raise it); the console's last lines:\n%s", ErrNoMatch, re, timeout, con.tail(40))
		}
		return ctx.Err()
	}
}

// start runs qemu in the background, its console (stdout and stderr) to
// w, and returns its stdin (when asked for: the monitor and serial line
// for powerOff) and a channel that gets Wait's answer.
func start(ctx context.Context, w io.Writer, withStdin bool, name string, args ...string) (io.WriteCloser, <-chan error, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = w, w
	cmd.WaitDelay = 5 * time.Second
	var stdin io.WriteCloser
	if withStdin {
		var err error
		if stdin, err = cmd.StdinPipe(); err != nil {
			return nil, nil, err
		}
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w (Debian packages qemu-system-x86, qemu-system-arm; make setup installs them)", name, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	return stdin, done, nil
}

// Interactive runs qemu with the terminal as its serial console.
func Interactive(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// console keeps what qemu prints, echoes it, and signals the first
// match.
type console struct {
	mu   sync.Mutex
	w    io.Writer
	buf  bytes.Buffer
	re   *regexp.Regexp
	seen chan struct{}
	once sync.Once
	// scanned is how much of buf's whole lines re has seen.
	scanned int
}

func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.w != nil {
		c.w.Write(p)
	}
	c.buf.Write(p)
	// Matched line by line, each line once it is whole: a pattern is
	// not seen halfway through its line.
	b := c.buf.Bytes()
	if end := bytes.LastIndexByte(b, '\n') + 1; end > c.scanned {
		for _, line := range bytes.Split(b[c.scanned:end], []byte("\n")) {
			if c.re.Match(line) {
				c.once.Do(func() { close(c.seen) })
			}
		}
		c.scanned = end
	}
	return len(p), nil
}

func (c *console) tail(n int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return lastLines(c.buf.String(), n)
}

// lastLines is s's last n lines, indented.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "  " + strings.Join(lines, "\n  ")
}

// halt bounds how long a guest gets to power off after each request.
var haltWait = 30 * time.Second

// powerOff asks the guest to power off through qemu's console mux: the
// ACPI power button (the monitor's system_powerdown), then, for a guest
// that ignores it (no acpid, a shell as init), the kernel's magic SysRq
// over the serial console: a break then s (sync), u (remount read-only),
// o (power off). It returns which worked, once qemu has exited.
func powerOff(stdin io.Writer, done <-chan error) (string, error) {
	exited := func() bool {
		select {
		case <-done:
			return true
		case <-time.After(haltWait):
			return false
		}
	}
	// Ctrl-A c toggles between the serial console and the monitor.
	io.WriteString(stdin, "\x01csystem_powerdown\n\x01c")
	if exited() {
		return "powered off (ACPI power button)", nil
	}
	for _, key := range []string{"s", "u", "o"} {
		io.WriteString(stdin, "\x01b") // Ctrl-A b: a break on the serial line
		time.Sleep(300 * time.Millisecond)
		io.WriteString(stdin, key)
		time.Sleep(time.Second)
	}
	if exited() {
		return "powered off (SysRq s, u, o over the serial console: the guest ignores the ACPI power button)", nil
	}
	return "", fmt.Errorf("--halt: the guest did not power off within %s of the ACPI power button nor of SysRq o", 2*haltWait)
}
