package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// Config says which engine to use and where the embedded one keeps its
// state. The zero value selects the embedded engine under DefaultHome.
type Config struct {
	// Home is the state root; "" means DefaultHome().
	Home string
	// Addr is an explicit engine address (--addr); "" falls back to
	// $BUILDKIT_HOST, then to the embedded engine.
	Addr string
	// TLSCACert, TLSCert, TLSKey and TLSServerName configure (mutual) TLS
	// for a tcp:// Addr; they are file paths except TLSServerName.
	TLSCACert, TLSCert, TLSKey, TLSServerName string
	// Buildkitd is the buildkitd binary; "" means $CAIRN_BUILDKITD, else
	// "buildkitd" next to the running executable, else $PATH.
	Buildkitd string
	// Log receives short human progress lines; nil discards them.
	Log io.Writer
}

// DefaultHome returns the state root used when Config.Home is empty:
// $CAIRN_HOME, else $XDG_CACHE_HOME/cairn, else ~/.cache/cairn.
func DefaultHome() string {
	if h := os.Getenv("CAIRN_HOME"); h != "" {
		return h
	}
	if c, err := os.UserCacheDir(); err == nil {
		return filepath.Join(c, "cairn")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("cairn-%d", os.Getuid()))
}

// Embedded reports whether c selects the embedded engine, that is neither
// Addr nor $BUILDKIT_HOST is set.
func (c Config) Embedded() bool { return c.address() == "" }

// address returns the explicit engine address, "" for the embedded engine.
func (c Config) address() string {
	if c.Addr != "" {
		return c.Addr
	}
	return os.Getenv("BUILDKIT_HOST")
}

// progress writes one progress line to c.Log, if set.
func (c Config) progress(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format+"\n", args...)
	}
}

// buildkitdPath resolves the buildkitd binary as documented on Config.
func (c Config) buildkitdPath() (string, error) {
	if c.Buildkitd != "" {
		return lookBuildkitd(c.Buildkitd, "")
	}
	if env := os.Getenv("CAIRN_BUILDKITD"); env != "" {
		return lookBuildkitd(env, "from $CAIRN_BUILDKITD")
	}
	if self, err := os.Executable(); err == nil {
		next := filepath.Join(filepath.Dir(self), "buildkitd")
		if p, err := exec.LookPath(next); err == nil {
			return p, nil
		}
	}
	return lookBuildkitd("buildkitd", "next to cairn or in $PATH")
}

// lookBuildkitd finds the executable name; looked describes where, for the
// error.
func lookBuildkitd(name, looked string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", errNoBuildkitd(looked, err)
	}
	return filepath.Abs(p)
}

// maxSocketPath is the longest unix socket path the kernel accepts
// (sun_path is 108 bytes including the terminating NUL).
const maxSocketPath = 107

// paths is the on-disk layout of the embedded engine.
type paths struct {
	dir     string // <home>/engine, mode 0700
	root    string // buildkitd --root
	config  string // generated buildkitd.toml
	pid     string // pid of the running buildkitd
	log     string // buildkitd's stdout and stderr
	lock    string // flock serialising start and stop
	sockDir string // dir holding the sockets: dir, or a short fallback
	sock    string // buildkitd's gRPC socket
}

// layout computes the paths for the engine under c's home; it creates nothing.
func (c Config) layout() (paths, error) {
	home := c.Home
	if home == "" {
		home = DefaultHome()
	}
	home, err := filepath.Abs(home)
	if err != nil {
		return paths{}, fmt.Errorf("engine home %q: %w", home, err)
	}
	dir := filepath.Join(home, "engine")
	p := paths{
		dir:    dir,
		root:   filepath.Join(dir, "root"),
		config: filepath.Join(dir, "buildkitd.toml"),
		pid:    filepath.Join(dir, "buildkitd.pid"),
		log:    filepath.Join(dir, "buildkitd.log"),
		lock:   filepath.Join(dir, "lock"),
	}
	p.sockDir = socketDir(dir)
	p.sock = filepath.Join(p.sockDir, "buildkitd.sock")
	return p, nil
}

// socketDir returns dir when a socket inside it fits in sun_path. Otherwise
// it returns /tmp/cairn-<hash of dir>: short, and still private to one home.
func socketDir(dir string) string {
	if len(filepath.Join(dir, "buildkitd.sock")) <= maxSocketPath {
		return dir
	}
	sum := sha256.Sum256([]byte(dir))
	return filepath.Join("/tmp", "cairn-"+hex.EncodeToString(sum[:8]))
}

// otelSock is where buildkitd listens for traces when tracing is enabled;
// its default, /run/buildkit, would collide with other engines.
func (p paths) otelSock() string { return filepath.Join(p.sockDir, "otel-grpc.sock") }

// address returns the engine's client address.
func (p paths) address() string { return "unix://" + p.sock }

// create makes the state and socket directories, private to the user: the
// socket buildkitd creates is world-writable and gives root-level access.
func (p paths) create() error {
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return fmt.Errorf("create engine state dir: %w", err)
	}
	if err := os.Chmod(p.dir, 0o700); err != nil {
		return fmt.Errorf("create engine state dir: %w", err)
	}
	if p.sockDir == p.dir {
		return nil
	}
	return ensurePrivateDir(p.sockDir)
}

// ensurePrivateDir creates dir with mode 0700 or checks that the existing
// one is a directory owned by us and closed to others.
func ensurePrivateDir(dir string) error {
	err := os.Mkdir(dir, 0o700)
	if err != nil && !errors.Is(err, os.ErrExist) {
		return errSocketDir(dir, err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return errSocketDir(dir, err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(st.Uid) != os.Getuid() || fi.Mode().Perm()&0o077 != 0 {
		return errSocketDir(dir, fmt.Errorf("not a private directory owned by uid %d", os.Getuid()))
	}
	return nil
}
