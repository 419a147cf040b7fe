package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/cairn-build/cairn/internal/host/helperbin"
)

// Version is set by the Makefile (-X) from git describe.
var Version = "dev"

func runVersion(e *env) error {
	fs := newFlags("version", e)
	if err := parseNone(fs, e.args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "cairn %s (%s, %s/%s)\n", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(e.stdout, "buildkit %s\n", moduleVersion("github.com/moby/buildkit"))
	for _, arch := range []string{"amd64", "arm64"} {
		h := "not embedded (build with make build)"
		if helperbin.For(arch) != nil {
			h = helperbin.Digest(arch).String()
		}
		fmt.Fprintf(e.stdout, "helper linux/%s %s\n", arch, h)
	}
	return nil
}

func moduleVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == path {
				return m.Version
			}
		}
	}
	return "unknown"
}
