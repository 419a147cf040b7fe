package debrepo

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cairn-build/cairn/internal/atomicfile"
)

// cache is the on-disk store under Client.CacheDir:
//
//	sha256/<hex>               verified index files, named by their hash
//	inrelease/<key>            the newest verified InRelease of a mirror+suite
//	inrelease/<key>.Release    ... or, for the Release.gpg fallback, the
//	inrelease/<key>.Release.gpg   Release and its detached signature
//
// where <key> is the hex SHA-256 of the mirror URL, "\n" and the suite.
// Every file enters by rename from a temporary file in the same directory,
// so a reader never sees a partial file, and only verified bytes are
// renamed into place. A cached index is re-hashed before use: its name
// claims a hash, and a damaged disk or a stray editor must not turn that
// claim into a wrong build graph; hashing costs far less than the download.
type cache struct{ dir string }

// blob returns the path of the index file with SHA-256 sum.
func (c cache) blob(sum string) string { return filepath.Join(c.dir, "sha256", sum) }

// releaseKey returns the path prefix of the cached InRelease for mirror+suite.
func (c cache) releaseKey(mirror, suite string) string {
	h := sha256.Sum256([]byte(mirror + "\n" + suite))
	return filepath.Join(c.dir, "inrelease", hex.EncodeToString(h[:]))
}

// load returns the cached file for sum if it is present and still hashes
// to sum; a damaged entry is removed.
func (c cache) load(sum FileSum) ([]byte, bool) {
	path := c.blob(sum.SHA256)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	h := sha256.Sum256(data)
	if int64(len(data)) != sum.Size || hex.EncodeToString(h[:]) != sum.SHA256 {
		os.Remove(path)
		return nil, false
	}
	return data, true
}

// verdict is what store found in a body, for the caller to turn into an
// error with its context.
type verdict struct {
	n       int64
	sha256  string
	readErr error
}

// store streams body (at most sum.Size+1 bytes) into a temporary file and
// renames it to the blob path only if size and hash match. Otherwise it
// removes the temporary file and returns the verdict, with ok false.
func (c cache) store(body io.Reader, sum FileSum) (path string, v verdict, ok bool, err error) {
	path = c.blob(sum.SHA256)
	tmp, err := createTemp(filepath.Dir(path))
	if err != nil {
		return "", v, false, err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	h := sha256.New()
	v.n, v.readErr = io.Copy(io.MultiWriter(tmp, h), io.LimitReader(body, sum.Size+1))
	v.sha256 = hex.EncodeToString(h.Sum(nil))
	if err := closeSynced(tmp); err != nil {
		return "", v, false, err
	}
	if v.readErr != nil || v.n != sum.Size || v.sha256 != sum.SHA256 {
		return "", v, false, nil
	}
	return path, v, true, os.Rename(tmp.Name(), path)
}

// writeAtomic writes data to path through a temporary file and a rename.
func writeAtomic(path string, data []byte) error {
	return atomicfile.WriteFile(path, data, 0o644)
}

// removeIfExists removes path, ignoring its absence.
func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// createTemp creates dir if needed and a temporary file in it.
func createTemp(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return os.CreateTemp(dir, ".tmp-*")
}

// closeSynced makes f readable by all (the cache may be shared), flushes
// it to disk and closes it.
func closeSynced(f *os.File) error {
	err := f.Chmod(0o644)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
