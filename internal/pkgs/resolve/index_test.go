package resolve

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ulikunitz/xz"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb"
)

// The real Debian index the oracle tests resolve over.
const (
	suite     = "bookworm"
	component = "main"
)

// index is one architecture's Packages index: the file on disk (for apt)
// and the parsed packages (for cairn).
type index struct {
	path     string
	packages []*pkgs.Package
	err      error
}

var (
	indexOnce = map[string]*sync.Once{"amd64": {}, "arm64": {}}
	indexes   = map[string]*index{"amd64": {}, "arm64": {}}
)

// loadIndex downloads (or finds in the cache) and parses the index of arch,
// once per test binary.
func loadIndex(t testing.TB, arch string) *index {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the Debian mirror of the host's apt sources")
	}
	indexOnce[arch].Do(func() {
		ix := indexes[arch]
		ix.path, ix.err = fetchPackages(arch)
		if ix.err == nil {
			ix.packages, ix.err = parseIndex(ix.path, arch)
		}
	})
	ix := indexes[arch]
	if ix.err != nil {
		t.Fatalf("index %s: %v", arch, ix.err)
	}
	return ix
}

// parseIndex reads a Packages file into the model.
func parseIndex(path, arch string) ([]*pkgs.Package, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return deb.ParsePackages(bufio.NewReaderSize(f, 1<<20), fmt.Sprintf("debian %s/%s %s", suite, component, arch))
}

// cacheDir is where downloads are kept between runs.
func cacheDir() string { return filepath.Join(os.TempDir(), "cairn-test-cache") }

// fetchPackages returns the path of the uncompressed Packages index of
// arch, named in the cache by the SHA256 the suite's InRelease lists.
func fetchPackages(arch string) (string, error) {
	mirror, err := hostMirror()
	if err != nil {
		return "", err
	}
	release, err := fetchRelease(mirror)
	if err != nil {
		return "", err
	}
	dir := fmt.Sprintf("%s/binary-%s/", component, arch)
	plain, xzsum := release.sums[dir+"Packages"], release.sums[dir+"Packages.xz"]
	if plain == "" || xzsum == "" {
		return "", fmt.Errorf("InRelease of %s lists no %sPackages(.xz)", suite, dir)
	}
	path := filepath.Join(cacheDir(), "Packages-"+plain)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	url := mirror + "/dists/" + suite + "/" + dir + "Packages.xz"
	if release.byHash {
		url = mirror + "/dists/" + suite + "/" + dir + "by-hash/SHA256/" + xzsum
	}
	data, err := download(url, xzsum)
	if err != nil {
		return "", err
	}
	return path, unxzTo(data, plain, path)
}

// unxzTo decompresses data, checks it against sum and stores it at path.
func unxzTo(data []byte, sum, path string) error {
	r, err := xz.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if got := sha256hex(plain); got != sum {
		return fmt.Errorf("decompressed index has sha256 %s, InRelease says %s", got, sum)
	}
	return writeAtomic(path, plain)
}

// release is what the tests need from an InRelease file.
type release struct {
	sums   map[string]string // path -> SHA256
	byHash bool
}

// fetchRelease downloads the suite's InRelease (no signature check: the
// hashes only name cache entries) and keeps a copy for offline reruns.
func fetchRelease(mirror string) (*release, error) {
	cached := filepath.Join(cacheDir(), "InRelease-"+suite)
	data, err := download(mirror+"/dists/"+suite+"/InRelease", "")
	if err == nil {
		err = writeAtomic(cached, data)
	} else if old, rerr := os.ReadFile(cached); rerr == nil {
		data, err = old, nil
	}
	if err != nil {
		return nil, err
	}
	return parseRelease(data), nil
}

// parseRelease reads the SHA256 section and Acquire-By-Hash.
func parseRelease(data []byte) *release {
	rel := &release{sums: map[string]string{}}
	inSHA := false
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, " ") {
			inSHA = strings.HasPrefix(line, "SHA256:")
			rel.byHash = rel.byHash || strings.TrimSpace(line) == "Acquire-By-Hash: yes"
			continue
		}
		if f := strings.Fields(line); inSHA && len(f) == 3 {
			rel.sums[f[2]] = f[0]
		}
	}
	return rel
}

// httpClient bounds a download, so a stalled mirror fails the test.
var httpClient = &http.Client{Timeout: 5 * time.Minute}

// download fetches url and, if sum is set, checks its SHA256.
func download(url, sum string) ([]byte, error) {
	resp, err := httpClient.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	if sum != "" && sha256hex(data) != sum {
		return nil, fmt.Errorf("GET %s: sha256 %s, want %s", url, sha256hex(data), sum)
	}
	return data, nil
}

func sha256hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// writeAtomic writes data to path through a temporary file.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
