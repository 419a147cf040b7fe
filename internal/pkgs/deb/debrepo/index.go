package debrepo

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/ulikunitz/xz"
)

// index returns one verified, decompressed index: the cached decompressed
// data if the Release lists its sum, else the cached or downloaded file,
// decompressed.
func (f *fetcher) index(ctx context.Context, rel *Release, p indexPlan) (IndexFile, error) {
	data, cached := []byte(nil), false
	if p.plain != nil {
		data, cached = f.cache.load(*p.plain)
	}
	if !cached {
		var err error
		if data, cached, err = f.fetchIndex(ctx, rel, p); err != nil {
			return IndexFile{}, err
		}
	}
	note := ""
	if cached {
		note = " (cached)"
	}
	f.progress("%s %s%s", p.path, humanSize(p.sum.Size), note)
	return IndexFile{Component: p.comp, Arch: p.arch, Path: p.path, SHA256: p.sum.SHA256, Data: data}, nil
}

// fetchIndex loads p's file from the cache or the network, decompresses
// it and, when the Release lists the uncompressed sum, checks the result
// and caches it.
func (f *fetcher) fetchIndex(ctx context.Context, rel *Release, p indexPlan) (data []byte, cached bool, err error) {
	raw, cached := f.cache.load(p.sum)
	switch {
	case cached:
	case f.c.Offline:
		return nil, false, newOfflineError(f.where(p.path), f.cache.blob(p.sum.SHA256))
	default:
		if raw, err = f.download(ctx, rel, p); err != nil {
			return nil, false, err
		}
	}
	if data, err = decompress(raw, path.Ext(p.path)); err != nil {
		return nil, false, newReleaseError(f.where(p.path), fmt.Errorf("decompress: %w", err))
	}
	if p.plain == nil {
		return data, cached, nil
	}
	return data, cached, f.keepPlain(p, data)
}

// keepPlain checks decompressed data against the Release's sum for the
// uncompressed index and caches it.
func (f *fetcher) keepPlain(p indexPlan, data []byte) error {
	at, origin := f.where(p.plainPath()), "decompressed "+p.path
	if int64(len(data)) != p.plain.Size {
		return newSizeError(at, origin, p.plain.Size, int64(len(data)), nil)
	}
	h := sha256.Sum256(data)
	if got := hex.EncodeToString(h[:]); got != p.plain.SHA256 {
		return newChecksumError(at, origin, p.plain.SHA256, got)
	}
	if err := writeAtomic(f.cache.blob(p.plain.SHA256), data); err != nil {
		return newReleaseError(at, fmt.Errorf("cache: %w", err))
	}
	return nil
}

// download fetches p into the cache and returns its bytes: by hash when
// the Release offers it (falling back to the plain name on 404).
func (f *fetcher) download(ctx context.Context, rel *Release, p indexPlan) ([]byte, error) {
	if rel.AcquireByHash {
		byHash := f.distURL(path.Dir(p.path) + "/by-hash/SHA256/" + p.sum.SHA256)
		data, err := f.downloadFrom(ctx, p, byHash)
		if !isNotFound(err) {
			return data, err
		}
	}
	return f.downloadFrom(ctx, p, f.distURL(p.path))
}

// downloadFrom streams url into the cache, verifying size and hash
// before the file enters it.
func (f *fetcher) downloadFrom(ctx context.Context, p indexPlan, url string) ([]byte, error) {
	body, err := f.get(ctx, p.path, url)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	file, v, ok, err := f.cache.store(body, p.sum)
	switch {
	case err != nil:
		return nil, newReleaseError(f.where(p.path), fmt.Errorf("cache: %w", err))
	case !ok && (v.readErr != nil || v.n != p.sum.Size):
		return nil, newSizeError(f.where(p.path), url, p.sum.Size, v.n, v.readErr)
	case !ok:
		return nil, newChecksumError(f.where(p.path), url, p.sum.SHA256, v.sha256)
	}
	return os.ReadFile(file)
}

// decompress decodes a verified index by its extension.
func decompress(data []byte, ext string) ([]byte, error) {
	var r io.Reader
	var err error
	switch ext {
	case ".xz":
		r, err = xz.NewReader(bytes.NewReader(data))
	case ".gz":
		r, err = gzip.NewReader(bytes.NewReader(data))
	default:
		return data, nil
	}
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// humanSize renders n bytes as "8.9 MiB".
func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v, i = v/unit, i+1
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGT"[i])
}
