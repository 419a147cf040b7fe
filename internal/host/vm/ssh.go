package vm

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Login is one `cairn vm --login`: qemu in the background with its console
// in a file, then ssh into the guest through the forwarded port.
type Login struct {
	// Qemu and Args boot the guest (Command's answer, with the port
	// forwarded).
	Qemu string
	Args []string
	// Port is the host port forwarded to the guest's 22.
	Port int
	// Key is the private key (Key.Private); User the login.
	Key, User string
	// Console is the file the serial console goes to.
	Console string
	// Timeout bounds the wait for the guest's sshd.
	Timeout time.Duration
	// Command runs instead of a login shell, when not empty.
	Command []string
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	// Log gets cairn's own progress lines.
	Log io.Writer
}

// FreePort is a TCP port on 127.0.0.1 nobody listens on now.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Run boots the guest, waits for its sshd, runs ssh and stops the guest
// when ssh returns (the image is read through -snapshot: nothing is
// lost). It returns ssh's exit status.
func (l Login) Run(ctx context.Context) (int, error) {
	con, err := os.Create(l.Console)
	if err != nil {
		return 0, err
	}
	defer con.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	_, waited, err := start(ctx, con, false, l.Qemu, l.Args...)
	if err != nil {
		return 0, err
	}
	// done closes when qemu exits (qerr says how): waiting for sshd
	// and stopping the guest both watch it.
	done, qerr := make(chan struct{}), error(nil)
	go func() { qerr = <-waited; close(done) }()
	defer func() { cancel(); <-done }()
	start := time.Now()
	fmt.Fprintf(l.Log, "cairn vm: waiting for the guest's sshd on 127.0.0.1:%d (the console goes to %s)\n", l.Port, l.Console)
	if err := l.waitSSH(ctx, done, func() error { return qerr }); err != nil {
		return 0, fmt.Errorf("%w; the console's last lines:\n%s", err, fileTail(l.Console, 40))
	}
	fmt.Fprintf(l.Log, "cairn vm: sshd answered after %s; leaving ssh stops the guest\n", time.Since(start).Round(time.Second))
	ssh := exec.CommandContext(ctx, "ssh", l.sshArgs()...)
	ssh.Stdin, ssh.Stdout, ssh.Stderr = l.Stdin, l.Stdout, l.Stderr
	err = ssh.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		if exit.ExitCode() == 255 {
			return 255, fmt.Errorf("ssh could not log in as %s with %s (exit 255): does the image carry this machine's key? Its recipe adds vm_ssh_key() to the root filesystem (docs/loop.md)", l.User, l.Key)
		}
		return exit.ExitCode(), nil
	case err != nil:
		return 0, fmt.Errorf("ssh: %w (Debian package openssh-client)", err)
	}
	return 0, nil
}

func (l Login) sshArgs() []string {
	args := []string{"-i", l.Key, "-p", strconv.Itoa(l.Port),
		// The guest's host key is new on every boot (a -snapshot disk):
		// nothing to remember or check against.
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
		"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=60",
		l.User + "@127.0.0.1"}
	return append(args, l.Command...)
}

// waitSSH polls the forwarded port until an sshd greets. qemu accepts a
// connection to a forwarded port at once and drops it while nothing
// listens in the guest, so only the banner counts.
func (l Login) waitSSH(ctx context.Context, done <-chan struct{}, qerr func() error) error {
	deadline := time.Now().Add(l.Timeout)
	for {
		if banner(l.Port) {
			return nil
		}
		select {
		case <-done:
			return fmt.Errorf("qemu exited (%v) before the guest's sshd answered", qerr())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no sshd answered on 127.0.0.1:%d within --timeout %s (the bound fired; under TCG on a busy machine a boot can take minutes: raise it). Does the image run sshd with networking up?", l.Port, l.Timeout)
		}
	}
}

func banner(port int) bool {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 5*time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "SSH-")
}

func fileTail(path string, n int) string {
	b, _ := os.ReadFile(path)
	return lastLines(string(b), n)
}
