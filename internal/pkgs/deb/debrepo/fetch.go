package debrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"golang.org/x/sync/errgroup"
)

// Repo is one repository to fetch: a mirror, a suite, and which indexes.
type Repo struct {
	// Name names the repository in messages, e.g. "debian".
	Name string
	// Mirror is the archive's root URL, e.g. "http://mirror.example/debian".
	Mirror string
	Suite  string
	// Components and Arches select the Packages indexes; "all" is added
	// to Arches when the Release lists it and does not declare
	// No-Support-for-Architecture-all.
	Components, Arches []string
	// Keyring holds the keys trusted to sign this repository.
	Keyring     openpgp.EntityList
	KeyringName string // for messages, e.g. "debian-archive-keyring.gpg"
	// IgnoreDate skips the Date checks (present, parsable, not in the
	// future; see dates.go), for a repository published without a Date or
	// dated ahead on purpose: apt's per-source check-date=no.
	IgnoreDate bool
	// IgnoreValidUntil skips the Valid-Until check, for archive snapshots
	// whose metadata is old by design: apt's check-valid-until=no.
	IgnoreValidUntil bool
}

// Client fetches repositories over HTTP into an on-disk cache.
type Client struct {
	HTTP     *http.Client // nil means http.DefaultClient
	CacheDir string
	// Progress, when non-nil, receives short progress messages. Calls are
	// serialized but, for concurrent downloads, in completion order.
	Progress func(msg string)
	// Offline forbids the network: the newest cached InRelease for the
	// mirror and suite, and cached indexes, are used (and verified again).
	Offline bool
	// Now is the clock every date check reads (the Release's Date and
	// Valid-Until, key and signature expiry); nil means time.Now. Tests
	// set it to judge dates exactly.
	Now func() time.Time
}

// now reads the client's clock.
func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Indexes is the verified metadata of one repository.
type Indexes struct {
	Repo    Repo
	Release *Release
	// ReleaseSHA256 is the hex SHA-256 of the InRelease (or Release)
	// bytes that were verified.
	ReleaseSHA256 string
	Signer        string
	// Files are in the order of Repo.Components, then architectures.
	Files []IndexFile
}

// IndexFile is one verified, decompressed Packages index.
type IndexFile struct {
	Component, Arch string
	Path            string // as listed in the Release, e.g. "main/binary-amd64/Packages.gz"
	SHA256          string // of the file fetched (compressed)
	Data            []byte // the decompressed Packages
}

const (
	// maxParallel bounds concurrent index downloads.
	maxParallel = 4
	// maxReleaseSize bounds the (In)Release and Release.gpg, read into
	// memory before they can be verified; Debian's InRelease is ~150 KiB.
	maxReleaseSize = 32 << 20
)

// fetcher is the state of one Fetch.
type fetcher struct {
	c     *Client
	r     Repo
	cache cache
	mu    sync.Mutex // serializes Progress
}

// Fetch downloads, verifies and decompresses r's Release and Packages
// indexes, using and filling the cache.
func (c *Client) Fetch(ctx context.Context, r Repo) (*Indexes, error) {
	r.Mirror = strings.TrimSuffix(r.Mirror, "/")
	f := &fetcher{c: c, r: r, cache: cache{c.CacheDir}}
	if err := f.checkRepo(); err != nil {
		return nil, err
	}
	vr, err := f.release(ctx)
	if err != nil {
		return nil, err
	}
	plan, err := f.plan(vr.rel)
	if err != nil {
		return nil, err
	}
	files, err := f.indexes(ctx, vr.rel, plan)
	if err != nil {
		return nil, err
	}
	return &Indexes{Repo: r, Release: vr.rel, ReleaseSHA256: vr.sha256, Signer: vr.signer, Files: files}, nil
}

// checkRepo rejects a Repo (or Client) that cannot be fetched.
func (f *fetcher) checkRepo() error {
	r := f.r
	var missing []string
	for _, m := range []struct {
		name string
		ok   bool
	}{
		{"mirror", r.Mirror != ""}, {"suite", r.Suite != ""}, {"components", len(r.Components) > 0},
		{"architectures", len(r.Arches) > 0}, {"keyring", len(r.Keyring) > 0}, {"cache directory", f.c.CacheDir != ""},
	} {
		if !m.ok {
			missing = append(missing, m.name)
		}
	}
	if len(missing) > 0 {
		return newReleaseError(f.where(""), fmt.Errorf("no %s given", strings.Join(missing, ", ")))
	}
	return nil
}

// indexes fetches the planned files, at most maxParallel at a time.
func (f *fetcher) indexes(ctx context.Context, rel *Release, plan []indexPlan) ([]IndexFile, error) {
	files := make([]IndexFile, len(plan))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(maxParallel)
	for i, p := range plan {
		g.Go(func() error {
			var err error
			files[i], err = f.index(gctx, rel, p)
			return err
		})
	}
	return files, g.Wait()
}

// where locates an error in file of this repository.
func (f *fetcher) where(file string) Where {
	name := f.r.Name
	if name == "" {
		name = f.r.Mirror
	}
	return Where{Repo: name, Suite: f.r.Suite, File: file}
}

// progress reports msg, prefixed with the repository, if anyone listens.
func (f *fetcher) progress(format string, args ...any) {
	if f.c.Progress == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.c.Progress(f.where("").prefix() + fmt.Sprintf(format, args...))
}

// distURL returns the URL of path under dists/<suite>/.
func (f *fetcher) distURL(path string) string {
	return f.r.Mirror + "/dists/" + f.r.Suite + "/" + path
}

// get fetches url; any status but 200 is an *HTTPError. The caller
// closes the body.
func (f *fetcher) get(ctx context.Context, file, url string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	hc := f.c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s%w", f.where(file).prefix(), err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, newHTTPError(f.where(file), url, resp.Status, resp.StatusCode)
	}
	return resp.Body, nil
}

// getAll fetches url whole, up to maxReleaseSize.
func (f *fetcher) getAll(ctx context.Context, file, url string) ([]byte, error) {
	body, err := f.get(ctx, file, url)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, maxReleaseSize+1))
	if err == nil && len(data) > maxReleaseSize {
		err = fmt.Errorf("larger than %s", humanSize(maxReleaseSize))
	}
	if err != nil {
		return nil, fmt.Errorf("%sGET %s: %w", f.where(file).prefix(), url, err)
	}
	return data, nil
}

// isNotFound reports whether err is an HTTP 404.
func isNotFound(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && he.Code == http.StatusNotFound
}
