// Package libsrc brings the libraries a project declares (stdlib's
// library()) to the CLI's evaluation of a recipe. A recipe is evaluated
// before anything reaches the engine, so a library is fetched here, on the
// machine running cairn, and kept in cairn's home as the archive it came
// as: a git library as `git archive` of its commit, an http one as the
// downloaded file. Both are named by what pins them (commit, sha256), so a
// kept archive never goes stale: later builds, --locked ones offline, read
// it instead of the network. A git ref goes through gitsrc, which pins it
// in cairn.lock and verifies a signed tag first.
package libsrc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-build/cairn/internal/atomicfile"
	"github.com/cairn-build/cairn/internal/host/gitsrc"
)

// Config says where libraries come from and where they are kept.
type Config struct {
	// Git resolves refs (cairn.lock first) and fetches commits.
	Git *gitsrc.Source
	// Cache is the directory fetched archives are kept in.
	Cache string
	// Project is the project directory, which relative paths start from.
	Project string
	// Log receives one line per library fetched; nil discards them.
	Log func(string)
	// Local, when set, is told the absolute directory of each path
	// library opened (cairn watch watches its files).
	Local func(dir string)
}

// Source implements stdlib.LibrarySource.
type Source struct{ cfg Config }

// New returns a Source.
func New(cfg Config) *Source { return &Source{cfg: cfg} }

// GitLibrary pins req and returns the files of its commit.
func (s *Source) GitLibrary(ctx context.Context, req gitsrc.Request) (fs.FS, error) {
	commit := req.Commit
	if req.Ref != "" || commit == "" {
		pin, err := s.cfg.Git.Resolve(ctx, req)
		if err != nil {
			return nil, err
		}
		commit = pin.Commit
	}
	kept := filepath.Join(s.cfg.Cache, "git-"+commit+".tar")
	data, err := os.ReadFile(kept)
	if errors.Is(err, fs.ErrNotExist) {
		s.log("fetching library %s at %s", req.URL, commit[:12])
		if data, err = s.cfg.Git.Archive(ctx, req, commit); err != nil {
			return nil, fmt.Errorf("%w (it is not in cairn's cache %s yet: fetching it once needs the network)", err, s.cfg.Cache)
		}
		err = atomicfile.WriteFile(kept, data, 0o644)
	}
	if err != nil {
		return nil, err
	}
	return ReadArchive(data, req.URL+"@"+commit[:12])
}

// HTTPLibrary returns the files of the archive at url, pinned by sum.
func (s *Source) HTTPLibrary(ctx context.Context, url, sum string) (fs.FS, error) {
	want := strings.TrimPrefix(sum, "sha256:")
	kept := filepath.Join(s.cfg.Cache, "http-"+want)
	data, err := os.ReadFile(kept)
	if err == nil && sha256Hex(data) != want {
		err = fs.ErrNotExist // a damaged copy: fetch it again
	}
	if errors.Is(err, fs.ErrNotExist) {
		s.log("fetching library %s", url)
		if data, err = download(ctx, url); err != nil {
			return nil, fmt.Errorf("%w (it is not in cairn's cache %s yet: fetching it once needs the network)", err, s.cfg.Cache)
		}
		if got := sha256Hex(data); got != want {
			return nil, fmt.Errorf("%s: got sha256:%s, the recipe pins sha256:%s; if the new file is the one you want, put its digest in http()", url, got, want)
		}
		err = atomicfile.WriteFile(kept, data, 0o644)
	}
	if err != nil {
		return nil, err
	}
	return ReadArchive(data, url)
}

// LocalLibrary returns the files of a directory, read as they are.
func (s *Source) LocalLibrary(dir string) (fs.FS, error) {
	p := dir
	if !filepath.IsAbs(p) {
		p = filepath.Join(s.cfg.Project, p)
	}
	root, err := os.OpenRoot(p)
	if err != nil {
		return nil, fmt.Errorf("path %q: %w", dir, err)
	}
	if s.cfg.Local != nil {
		if abs, err := filepath.Abs(p); err == nil {
			s.cfg.Local(abs)
		}
	}
	return root.FS(), nil // open for the life of the command, as the project is
}

func (s *Source) log(format string, args ...any) {
	if s.cfg.Log != nil {
		s.cfg.Log(fmt.Sprintf(format, args...))
	}
}

// maxArchive bounds what a library may weigh: a tree of .star files and
// what they describe, not a payload.
const maxArchive = 256 << 20

func download(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxArchive+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	if len(data) > maxArchive {
		return nil, fmt.Errorf("%s: larger than %d MiB; a library is .star files, not a payload", url, maxArchive>>20)
	}
	return data, nil
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
