package engine

// An engine that dies halfway through a build leaves the client with a bare
// gRPC error ("failed to receive status: rpc error: code = Unavailable desc
// = error reading from server: EOF") that names neither the engine nor a
// way out. Lost recognises that case and says which engine went away,
// where its log is, and that the next command recovers: ensureEmbedded
// starts a new embedded engine when the old one is gone.

import (
	"context"
	"strings"

	"google.golang.org/grpc/codes"
	grpcstatus "google.golang.org/grpc/status"
)

// Lost returns a *SetupError when err, from work on the engine c selects,
// means that engine went away: the connection to it broke (gRPC
// Unavailable, or a transport message saying so) or, for the embedded
// engine, its buildkitd is no longer running. It returns nil for any other
// error, and when ctx is done: an interrupted command is not a lost engine.
func (c Config) Lost(ctx context.Context, err error) error {
	if err == nil || ctx.Err() != nil {
		return nil
	}
	if addr := c.address(); addr != "" {
		if !connectionLost(err, hostOf(addr)) {
			return nil
		}
		return errRemoteLost(addr, err)
	}
	p, perr := c.layout()
	if perr != nil {
		return nil
	}
	return embeddedLost(p, err)
}

// embeddedLost explains err for the embedded engine laid out at p: stopped
// when its process is gone, cut off when it runs but the connection broke.
func embeddedLost(p paths, err error) error {
	pid := recordedPID(p)
	if pid > 0 && alive(pid) && servesRoot(pid, p.root) {
		if !connectionLost(err, p.sock) {
			return nil
		}
		return errEngineCutOff(pid, p.log, logTail(p.log), err)
	}
	return errEngineStopped(pid, p.log, logTail(p.log), err)
}

// connectionLost reports whether err says the client lost its connection
// to the engine at endpoint (a socket path or host:port): a gRPC
// Unavailable status anywhere in the chain, or, for errors that were
// flattened to text, what gRPC's transport says when the server goes away.
// "connection refused" counts only when it names endpoint, since a build
// step's own downloads can be refused too.
func connectionLost(err error, endpoint string) bool {
	if hasCode(err, codes.Unavailable) {
		return true
	}
	msg := err.Error()
	for _, says := range []string{"error reading from server", "transport is closing"} {
		if strings.Contains(msg, says) {
			return true
		}
	}
	return endpoint != "" && strings.Contains(msg, endpoint) && strings.Contains(msg, "connection refused")
}

// hasCode reports whether err or any error it wraps carries gRPC code c,
// as a grpc status or as BuildKit's grpcerrors types (which have Code()).
func hasCode(err error, c codes.Code) bool {
	if err == nil {
		return false
	}
	if s, ok := err.(interface{ GRPCStatus() *grpcstatus.Status }); ok && s.GRPCStatus().Code() == c {
		return true
	}
	if s, ok := err.(interface{ Code() codes.Code }); ok && s.Code() == c {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return hasCode(u.Unwrap(), c)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if hasCode(e, c) {
				return true
			}
		}
	case interface{ Cause() error }:
		return hasCode(u.Cause(), c)
	}
	return false
}

// hostOf strips the scheme from an engine address: "tcp://h:1234" gives
// "h:1234", which is what a dial error quotes.
func hostOf(addr string) string {
	if _, rest, ok := strings.Cut(addr, "://"); ok {
		return rest
	}
	return addr
}
