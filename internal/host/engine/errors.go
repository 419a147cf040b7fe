package engine

import (
	"fmt"
	"strings"
	"time"

	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// SetupError reports that the engine cannot be used until the user acts on
// the host (install a package, stop a stuck engine, fix an address). The CLI
// maps it to exit code 2.
type SetupError struct {
	// Cause says what is wrong, in one sentence.
	Cause string
	// Fix is the command or action that repairs it.
	Fix string
	// Log holds the last lines of buildkitd's log when they explain Cause.
	Log string
	// LogFile is the log Log was taken from.
	LogFile string
	// Err is the underlying error, if any.
	Err error
}

// Error renders one paragraph: the cause and underlying error, the log
// excerpt (indented), then "Fix: ...".
func (e *SetupError) Error() string {
	var b strings.Builder
	b.WriteString(e.Cause)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if strings.TrimSpace(e.Log) != "" {
		fmt.Fprintf(&b, "\nLast lines of %s:", e.LogFile)
		for line := range strings.SplitSeq(strings.TrimRight(e.Log, "\n"), "\n") {
			b.WriteString("\n    ")
			b.WriteString(line)
		}
	}
	if e.Fix != "" {
		b.WriteString("\nFix: ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *SetupError) Unwrap() error { return e.Err }

const retryFix = "cairn engine stop, then run the command again"

func errNoBuildkitd(looked string, err error) error {
	cause := "buildkitd, the build engine, was not found"
	if looked != "" {
		cause += " (" + looked + ")"
	}
	return &SetupError{
		Cause: cause,
		Fix:   "make setup (or set CAIRN_BUILDKITD to a buildkitd binary)",
		Err:   err,
	}
}

func errNoRunc(err error) error {
	return &SetupError{
		Cause: "runc is not installed; the embedded engine needs it to run build steps",
		Fix:   "apt-get install runc",
		Err:   err,
	}
}

func errNotRoot() error {
	return &SetupError{
		Cause: "the embedded engine must run as root (buildkitd runs build steps with runc and overlay mounts)",
		Fix:   "run cairn as root (sudo cairn ...), or start a buildkitd you can use yourself and pass --addr",
	}
}

func errSocketDir(dir string, err error) error {
	return &SetupError{
		Cause: "cannot use " + dir + " for the engine socket",
		Fix:   "set CAIRN_HOME to a short directory you own",
		Err:   err,
	}
}

func errEngineExited(logPath, tail string, err error) error {
	return &SetupError{
		Cause:   "the engine (buildkitd) exited while starting",
		Fix:     retryFix,
		Log:     tail,
		LogFile: logPath,
		Err:     err,
	}
}

func errEngineTimeout(sock, logPath, tail string, wait time.Duration) error {
	return &SetupError{
		Cause:   fmt.Sprintf("the engine (buildkitd) did not answer on %s within %s", sock, wait),
		Fix:     retryFix,
		Log:     tail,
		LogFile: logPath,
	}
}

func errEngineUnresponsive(pid int, sock string) error {
	return &SetupError{
		Cause: fmt.Sprintf("the engine (buildkitd, pid %d) is running but does not answer on %s", pid, sock),
		Fix:   retryFix,
	}
}

func errEngineStuck(pid int, err error) error {
	return &SetupError{
		Cause: fmt.Sprintf("the engine (buildkitd, pid %d) did not exit after SIGKILL", pid),
		Fix:   fmt.Sprintf("kill -9 %d, then run the command again", pid),
		Err:   err,
	}
}

// errEngineStopped reports an embedded engine whose process went away
// while cairn was using it; pid is 0 when its pid file is gone too. The
// next command starts a new engine, which moves the log to logPath.1.
func errEngineStopped(pid int, logPath, tail string, err error) error {
	who := "cairn's own buildkitd"
	if pid > 0 {
		who += fmt.Sprintf(", pid %d", pid)
	}
	return &SetupError{
		Cause:   "the engine (" + who + ") stopped while cairn was using it",
		Fix:     "run the command again; cairn starts a new engine (and keeps this log as " + logPath + ".1)",
		Log:     tail,
		LogFile: logPath,
		Err:     err,
	}
}

// errEngineCutOff reports a broken connection to an embedded engine whose
// process still runs.
func errEngineCutOff(pid int, logPath, tail string, err error) error {
	return &SetupError{
		Cause:   fmt.Sprintf("lost the connection to the engine (cairn's own buildkitd, pid %d, still running)", pid),
		Fix:     retryFix,
		Log:     tail,
		LogFile: logPath,
		Err:     err,
	}
}

// errRemoteLost reports a broken connection to an engine cairn does not
// manage, so it has neither its log nor a way to restart it.
func errRemoteLost(addr string, err error) error {
	return &SetupError{
		Cause: "lost the connection to the engine at " + addr,
		Fix:   "check the engine at " + addr + " (is buildkitd still running there? its log says why it stopped), then run the command again",
		Err:   err,
	}
}

func errUnreachable(addr string, cfg Config, err error) error {
	fix := "check that buildkitd is running at " + addr + " (and the TLS flags), or drop --addr and unset BUILDKIT_HOST to use the embedded engine"
	switch {
	case tlsHint(err) != "":
		fix = tlsHint(err)
	case cfg.TLSCACert != "" && cfg.TLSCert == "" && hungUp(err):
		// Under TLS 1.3 the server checks the client certificate after the
		// client's handshake is done, so its alert can lose the race with
		// the client's first write: all the client sees is a closed pipe.
		fix = "the engine closed the TLS connection, as one that accepts only clients with a certificate does: pass --tlscert and --tlskey"
	case !cfg.usesTLS() && hungUp(err):
		fix = "the engine hung up before answering, as one that serves only TLS does to a plain connection: pass --tlscacert, --tlscert and --tlskey"
	}
	return &SetupError{Cause: "cannot reach the engine at " + addr, Fix: fix, Err: err}
}

// hungUp reports whether err says the other side closed the connection.
func hungUp(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "broken pipe") || strings.Contains(msg, "connection reset") || strings.HasSuffix(msg, "EOF") || strings.Contains(msg, "EOF\"")
}

// tlsHints map what a failed TLS handshake says to the flag that fixes it.
var tlsHints = []struct{ says, fix string }{
	{"certificate required", "the engine accepts only clients with a certificate: pass --tlscert and --tlskey (a client certificate signed by the CA the engine trusts)"},
	{"remote error: tls: bad certificate", "the engine rejected the client certificate: pass --tlscert and --tlskey signed by the CA the engine trusts"},
	{"remote error: tls: unknown certificate authority", "the engine rejected the client certificate: pass --tlscert and --tlskey signed by the CA the engine trusts"},
	{"certificate signed by unknown authority", "the engine's certificate is not signed by a CA cairn trusts: pass --tlscacert with the CA that signed it"},
	{"certificate is valid for", "the engine's certificate is for another name: pass --tlsservername with a name it holds, or use that name in the address"},
	{"doesn't contain any IP SANs", "the engine's certificate holds no IP address: pass --tlsservername with a name it holds, or use that name in the address"},
	{"first record does not look like a TLS handshake", "the engine does not speak TLS: drop --tlscacert, --tlscert and --tlskey"},
}

// tlsHint returns the fix for a TLS handshake failure, "" for others.
func tlsHint(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	for _, h := range tlsHints {
		if strings.Contains(msg, h.says) {
			return h.fix
		}
	}
	return ""
}

func errNotManaged(addr string) error {
	return &SetupError{
		Cause: "the engine at " + addr + " was not started by cairn, so cairn does not stop it",
		Fix:   "stop it where it was started, or drop --addr and unset BUILDKIT_HOST to act on the embedded engine",
	}
}

func errUnsupportedOS(p ocispecs.Platform) error {
	return &SetupError{
		Cause: "cannot run build steps for " + formatPlatform(p) + ": the engine runs Linux containers only",
		Fix:   "build for a linux/* platform",
	}
}

func errNoEmulator(p ocispecs.Platform, handler, fix string) error {
	return &SetupError{
		Cause: fmt.Sprintf("cannot run %s build steps on this host: no enabled binfmt_misc handler %s (QEMU user emulation)", formatPlatform(p), handler),
		Fix:   fix,
	}
}
