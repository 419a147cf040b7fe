package cli

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
	"github.com/cairn-build/cairn/internal/pkgs/lock"
	"github.com/cairn-build/cairn/internal/pkgs/pkgsrc"
)

// hostKeyring is Debian's archive keyring as the debian-archive-keyring
// package installs it: the default trust for Debian repositories.
const hostKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg"

// packageFlags choose where package answers come from.
type packageFlags struct {
	mirrors mirrorFlag
	locked  bool
}

func addPackageFlags(fs *flag.FlagSet, withLocked bool) *packageFlags {
	f := &packageFlags{mirrors: mirrorFlag{}}
	fs.Var(f.mirrors, "mirror", "repository mirror `NAME=URL` (repeatable; default from $CAIRN_MIRRORS, else the host's apt sources)")
	if withLocked {
		fs.BoolVar(&f.locked, "locked", false, "fail when cairn.lock does not cover a package request, instead of resolving it")
	}
	return f
}

// mirrorFlag collects --mirror NAME=URL.
type mirrorFlag map[string]string

func (m mirrorFlag) String() string { return "" }

func (m mirrorFlag) Set(s string) error {
	name, u, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("want NAME=URL, got %q", s)
	}
	if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https" && p.Scheme != "file") {
		return fmt.Errorf("%s: want an http:// or https:// URL, got %q", name, u)
	}
	m[name] = u
	return nil
}

// mirrorsFromEnv reads CAIRN_MIRRORS="NAME=URL NAME=URL" (spaces or commas).
func mirrorsFromEnv(into mirrorFlag) error {
	for _, part := range strings.FieldsFunc(os.Getenv("CAIRN_MIRRORS"), func(r rune) bool { return r == ' ' || r == ',' }) {
		name, _, _ := strings.Cut(part, "=")
		if _, set := into[name]; set {
			continue // the flag wins
		}
		if err := into.Set(part); err != nil {
			return errUsage("CAIRN_MIRRORS: %s", err)
		}
	}
	return nil
}

// sourceOptions is what a command adds to packageFlags.
type sourceOptions struct {
	fresh  bool
	update []string
}

// newSource builds the package source for a project: its cairn.lock, the
// mirrors, the host's apt sources and keyring, and the metadata cache.
func newSource(projectDir, home string, f *packageFlags, o sourceOptions, log io.Writer) (*pkgsrc.Source, *lock.File, error) {
	if err := mirrorsFromEnv(f.mirrors); err != nil {
		return nil, nil, err
	}
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
		Lock: lf, Locked: f.locked, Fresh: o.fresh, Update: o.update,
		Mirrors: f.mirrors, Host: host, HostKeyring: kr, HostKeyringName: filepath.Base(hostKeyring), Client: client,
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
