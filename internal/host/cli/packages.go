package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/cairn-build/cairn/frontends"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
	"github.com/cairn-build/cairn/internal/pkgs/lock"
	"github.com/cairn-build/cairn/internal/pkgs/pkgsrc"
)

// hostKeyring is Debian's archive keyring as the debian-archive-keyring
// package installs it: the default trust for Debian repositories.
const hostKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg"

// packageFlags choose where package answers come from.
type packageFlags struct {
	locked bool
}

// addPackageFlags registers --mirror, which fills the options' mirrors,
// and --locked.
func addPackageFlags(fs *flag.FlagSet, o *frontends.Options, withLocked bool) *packageFlags {
	f := &packageFlags{}
	fs.Var(o.Mirrors, "mirror", "repository mirror `NAME=URL` (repeatable; default from $CAIRN_MIRRORS, else the host's apt sources)")
	if withLocked {
		fs.BoolVar(&f.locked, "locked", false, "fail when cairn.lock does not cover a package request, instead of resolving it")
	}
	return f
}

// sourceOptions is what a command adds to packageFlags.
type sourceOptions struct {
	fresh  bool
	update []string
	// relock re-resolves locked answers without a base stage (see
	// pkgsrc.Config.Restage).
	relock bool
}

// newSource builds the package source for a project: its cairn.lock, the
// mirrors, the host's apt sources and keyring, and the metadata cache.
func newSource(projectDir, home string, mirrors frontends.Mirrors, f *packageFlags, o sourceOptions, log io.Writer) (*pkgsrc.Source, *lock.File, error) {
	lf, err := lock.Read(filepath.Join(projectDir, "cairn.lock"))
	if err != nil {
		return nil, nil, err
	}
	host, err := debrepo.ReadHostSources("/")
	if err != nil {
		return nil, nil, fmt.Errorf("reading the host's apt sources: %w", err)
	}
	kr, _ := os.ReadFile(hostKeyring) // absent: repos must name their own keyring
	client := &debrepo.Client{CacheDir: filepath.Join(home, "cache", "debrepo"), Progress: progressLine(log)}
	src := pkgsrc.New(pkgsrc.Config{
		Lock: lf, Locked: f.locked, Fresh: o.fresh, Update: o.update, Restage: o.relock,
		Mirrors: mirrors, Host: host, HostKeyring: kr, HostKeyringName: filepath.Base(hostKeyring), Client: client,
	})
	return src, lf, nil
}

// progressLine prints metadata progress as "cairn: ..." lines, one writer
// at a time.
func progressLine(w io.Writer) func(string) {
	var mu sync.Mutex
	return func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "cairn: %s\n", msg)
	}
}
