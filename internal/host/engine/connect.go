package engine

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/moby/buildkit/client"
)

// Ping timeouts: a local socket answers at once; a remote engine gets a
// little longer before it is declared unreachable.
const (
	localPingTimeout  = 3 * time.Second
	remotePingTimeout = 10 * time.Second
)

// Connect returns a client to the engine cfg selects (see Config.Embedded),
// starting the embedded engine if it is not running. Problems the user must
// fix on the host come back as *SetupError. The caller closes the client.
func Connect(ctx context.Context, cfg Config) (*client.Client, error) {
	if addr := cfg.address(); addr != "" {
		return dialRemote(ctx, cfg, addr)
	}
	p, err := cfg.layout()
	if err != nil {
		return nil, err
	}
	if err := ensureEmbedded(ctx, cfg, p); err != nil {
		return nil, err
	}
	c, err := client.New(ctx, p.address())
	if err != nil {
		return nil, fmt.Errorf("connect to engine at %s: %w", p.sock, err)
	}
	return c, nil
}

// dialRemote connects to an engine cairn does not manage and pings it, so a
// wrong address fails here rather than halfway through a build.
func dialRemote(ctx context.Context, cfg Config, addr string) (*client.Client, error) {
	c, err := client.New(ctx, addr, cfg.tlsOptions()...)
	if err != nil {
		return nil, errUnreachable(addr, cfg, err)
	}
	if _, err := listWorkers(ctx, c, remotePingTimeout); err != nil {
		c.Close()
		return nil, errUnreachable(addr, cfg, err)
	}
	return c, nil
}

// tlsOptions returns the client options for the TLS fields that are set.
// Without a CA file the system roots verify the server.
func (c Config) tlsOptions() []client.ClientOpt {
	var opts []client.ClientOpt
	switch {
	case c.TLSCACert != "":
		opts = append(opts, client.WithServerConfig(c.TLSServerName, c.TLSCACert))
	case c.TLSServerName != "" || c.TLSCert != "" || c.TLSKey != "":
		opts = append(opts, client.WithServerConfigSystem(c.TLSServerName))
	}
	if c.TLSCert != "" || c.TLSKey != "" {
		opts = append(opts, client.WithCredentials(c.TLSCert, c.TLSKey))
	}
	return opts
}

// usesTLS reports whether any TLS setting is given.
func (c Config) usesTLS() bool {
	return c.TLSCACert != "" || c.TLSCert != "" || c.TLSKey != "" || c.TLSServerName != ""
}

// ping checks that the embedded engine answers on its socket.
func ping(ctx context.Context, p paths) error {
	if _, err := os.Stat(p.sock); err != nil {
		return fmt.Errorf("engine socket: %w", err)
	}
	c, err := client.New(ctx, p.address())
	if err != nil {
		return fmt.Errorf("connect to engine at %s: %w", p.sock, err)
	}
	defer c.Close()
	_, err = listWorkers(ctx, c, localPingTimeout)
	return err
}

// listWorkers asks the engine for its workers within timeout; it is the
// health check: it only succeeds once buildkitd has set up its worker.
func listWorkers(ctx context.Context, c *client.Client, timeout time.Duration) ([]*client.WorkerInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ws, err := c.ListWorkers(ctx)
	if err != nil {
		return nil, fmt.Errorf("engine health check: %w", err)
	}
	return ws, nil
}
