package ocilayout

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// blobStore writes content-addressed blobs into blobs/sha256.
type blobStore struct {
	dir string
}

// newBlobStore creates the blobs/sha256 directory of the layout at root.
func newBlobStore(root string) (blobStore, error) {
	blobs := filepath.Join(root, "blobs")
	dir := filepath.Join(blobs, "sha256")
	for _, d := range []string{blobs, dir} {
		if err := mkdir(d); err != nil && !errors.Is(err, fs.ErrExist) {
			return blobStore{}, errWrite(d, err)
		}
	}
	return blobStore{dir: dir}, nil
}

// putJSON encodes v and stores it as a blob of the given media type.
func (s blobStore) putJSON(mediaType string, v any) (descriptor, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return descriptor{}, err
	}
	return s.put(mediaType, data)
}

// put stores data as a blob of the given media type.
func (s blobStore) put(mediaType string, data []byte) (descriptor, error) {
	w, err := s.create()
	if err != nil {
		return descriptor{}, err
	}
	if _, err := w.Write(data); err != nil {
		w.abort()
		return descriptor{}, errWrite(w.f.Name(), err)
	}
	return w.commit(mediaType)
}

// blobWriter hashes and counts what it writes to a temporary file that
// commit renames to its digest.
type blobWriter struct {
	dir  string
	f    *os.File
	buf  *bufio.Writer
	sum  hash.Hash
	size int64
}

// create starts a new blob.
func (s blobStore) create() (*blobWriter, error) {
	f, err := os.CreateTemp(s.dir, ".tmp-")
	if err != nil {
		return nil, errWrite(s.dir, err)
	}
	return &blobWriter{dir: s.dir, f: f, buf: bufio.NewWriterSize(f, 1<<20), sum: sha256.New()}, nil
}

// Write implements io.Writer.
func (w *blobWriter) Write(p []byte) (int, error) {
	n, err := w.buf.Write(p)
	w.sum.Write(p[:n])
	w.size += int64(n)
	return n, err
}

// commit flushes the blob, names it by its digest and returns its
// descriptor.
func (w *blobWriter) commit(mediaType string) (descriptor, error) {
	hexSum := hex.EncodeToString(w.sum.Sum(nil))
	err := w.buf.Flush()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(w.f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(w.f.Name(), filepath.Join(w.dir, hexSum))
	}
	if err != nil {
		os.Remove(w.f.Name())
		return descriptor{}, errWrite(w.f.Name(), err)
	}
	return descriptor{MediaType: mediaType, Digest: "sha256:" + hexSum, Size: w.size}, nil
}

// abort discards the blob.
func (w *blobWriter) abort() {
	w.f.Close()
	os.Remove(w.f.Name())
}

// hashingWriter passes writes to w and a hash.
func hashingWriter(w io.Writer, h hash.Hash) io.Writer { return io.MultiWriter(w, h) }
