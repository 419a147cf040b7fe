package engine

import (
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/containerd/platforms"
	"github.com/moby/buildkit/client"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Info describes the engine a Config selects.
type Info struct {
	// Embedded is true for the engine cairn manages under its home.
	Embedded bool
	// Running is true when the engine answers.
	Running bool
	// PID is the embedded buildkitd's process id, 0 if none or remote.
	PID int
	// Address is the engine's client address.
	Address string
	// StateDir is the embedded engine's state directory ("" if remote).
	StateDir string
	// LogFile is the embedded engine's log ("" if remote).
	LogFile string
	// Version is buildkitd's version, when running.
	Version string
	// Platforms lists the platforms the engine's workers can run.
	Platforms []ocispecs.Platform
}

// Status reports on the engine cfg selects without starting it. An embedded
// engine that is not running gives Running == false and no error; an
// unreachable remote engine gives its *SetupError.
func Status(ctx context.Context, cfg Config) (Info, error) {
	if addr := cfg.address(); addr != "" {
		return remoteStatus(ctx, cfg, addr)
	}
	p, err := cfg.layout()
	if err != nil {
		return Info{}, err
	}
	info := Info{Embedded: true, Address: p.address(), StateDir: p.dir, LogFile: p.log}
	if pid, ok := runningPID(p); ok {
		info.PID = pid
	}
	if _, err := os.Stat(p.sock); err != nil {
		return info, nil
	}
	c, err := client.New(ctx, p.address())
	if err != nil {
		return info, nil
	}
	defer c.Close()
	return describe(ctx, c, info)
}

// remoteStatus reports on an engine cairn does not manage.
func remoteStatus(ctx context.Context, cfg Config, addr string) (Info, error) {
	info := Info{Address: addr}
	c, err := dialRemote(ctx, cfg, addr)
	if err != nil {
		return info, err
	}
	defer c.Close()
	return describe(ctx, c, info)
}

// describe fills in what the engine says about itself.
func describe(ctx context.Context, c *client.Client, info Info) (Info, error) {
	ws, err := listWorkers(ctx, c, remotePingTimeout)
	if err != nil {
		return info, nil
	}
	info.Running = true
	seen := map[string]bool{}
	for _, w := range ws {
		info.Version = w.BuildkitVersion.Version
		for _, p := range w.Platforms {
			if key := platforms.Format(p); !seen[key] {
				seen[key] = true
				info.Platforms = append(info.Platforms, p)
			}
		}
	}
	if isDevVersion(info.Version) && info.PID > 0 {
		info.Version = binaryVersion(fmt.Sprintf("/proc/%d/exe", info.PID), info.Version)
	}
	return info, nil
}

// isDevVersion reports whether buildkitd was built without version ldflags
// (as `go build` of the pinned module does).
func isDevVersion(v string) bool {
	return v == "" || strings.HasPrefix(v, "v0.0.0")
}

// buildkitModule is the module buildkitd is built from.
const buildkitModule = "github.com/moby/buildkit"

// binaryVersion reads the buildkit module version compiled into the binary
// at path, falling back to def.
func binaryVersion(path, def string) string {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return def
	}
	if bi.Main.Path == buildkitModule && !isDevVersion(bi.Main.Version) {
		return bi.Main.Version
	}
	for _, m := range bi.Deps {
		if m.Path == buildkitModule {
			return m.Version
		}
	}
	return def
}

// Stop stops the embedded engine: SIGTERM, then SIGKILL if it has not
// exited after a grace period. It is a no-op when the engine is not
// running, and a *SetupError when cfg selects an engine cairn did not start.
func Stop(ctx context.Context, cfg Config) error {
	if addr := cfg.address(); addr != "" {
		return errNotManaged(addr)
	}
	p, err := cfg.layout()
	if err != nil {
		return err
	}
	if _, err := os.Stat(p.dir); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	unlock, err := lockState(ctx, p.lock)
	if err != nil {
		return err
	}
	defer unlock()
	return stopLocked(ctx, cfg, p)
}

// stopLocked stops the engine and clears its runtime files; the caller
// holds the state lock.
func stopLocked(ctx context.Context, cfg Config, p paths) error {
	if pid, ok := runningPID(p); ok {
		cfg.progress("stopping engine: pid %d", pid)
		if err := terminate(ctx, pid); err != nil {
			return err
		}
	}
	for _, f := range []string{p.pid, p.sock, p.otelSock()} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("clean up engine: %w", err)
		}
	}
	if p.sockDir != p.dir {
		_ = os.Remove(p.sockDir) // only if empty
	}
	return nil
}
