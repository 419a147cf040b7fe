package debrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fetchFake fetches r with a fresh cache directory (or dir, if given).
func fetchFake(t *testing.T, r Repo, dir string) (*Indexes, *Client, error) {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	var msgs []string
	c := &Client{CacheDir: dir, Progress: func(m string) { msgs = append(msgs, m) }}
	idx, err := c.Fetch(context.Background(), r)
	if err == nil && len(msgs) == 0 {
		t.Error("no progress messages")
	}
	return idx, c, err
}

// wantErr asserts err is an E and its message contains each of subs.
func wantErr[E error](t *testing.T, err error, subs ...string) E {
	t.Helper()
	t.Logf("error: %v", err)
	var e E
	if !errors.As(err, &e) {
		t.Fatalf("got error %v (%T), want %T", err, err, e)
	}
	for _, s := range subs {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q lacks %q", err, s)
		}
	}
	return e
}

// cachedBlobs lists the files under <dir>/sha256, temporary ones included.
func cachedBlobs(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(filepath.Join(dir, "sha256"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestFetchGood(t *testing.T) {
	f := newFakeRepo(t, fakeSpec{})
	dir := t.TempDir()
	idx, _, err := fetchFake(t, f.repo(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	trusted, _ := testKeys(t)
	if !strings.Contains(idx.Signer, "Test Archive Key") || !strings.HasPrefix(idx.Signer, fmt.Sprintf("%X ", trusted.PrimaryKey.Fingerprint)) {
		t.Errorf("signer %q", idx.Signer)
	}
	if idx.ReleaseSHA256 != sha256Hex(f.files[f.dist("InRelease")]) {
		t.Errorf("ReleaseSHA256 %s is not the InRelease's", idx.ReleaseSHA256)
	}
	if idx.Release.Suite != "test" || idx.Repo.Mirror != f.srv.URL+"/debian" {
		t.Errorf("release %+v, mirror %q", idx.Release, idx.Repo.Mirror)
	}
	checkFiles(t, idx, "main/binary-amd64/Packages.gz", "main/binary-all/Packages.gz")
	if got := len(cachedBlobs(t, dir)); got != 4 {
		t.Errorf("%d cached blobs, want 4 (compressed and plain)", got)
	}
	// A second fetch takes the indexes from the cache.
	f.reset()
	if _, _, err := fetchFake(t, f.repo(t), dir); err != nil {
		t.Fatal(err)
	}
	if f.requested(f.dist("main/binary-amd64/Packages.gz")) || !f.requested(f.dist("InRelease")) {
		t.Errorf("second fetch requested %v", f.requests)
	}
}

// checkFiles asserts the fetched files' paths, in order, and their data.
func checkFiles(t *testing.T, idx *Indexes, paths ...string) {
	t.Helper()
	if len(idx.Files) != len(paths) {
		t.Fatalf("got %d files, want %v", len(idx.Files), paths)
	}
	for i, p := range paths {
		f := idx.Files[i]
		if f.Path != p || f.Component != "main" || !strings.Contains(p, "binary-"+f.Arch+"/") {
			t.Errorf("file %d: %+v, want %s", i, f.Path, p)
		}
		if !bytes.Equal(f.Data, fakePackages(f.Arch)) {
			t.Errorf("%s: data %q", p, f.Data)
		}
	}
}

func TestFetchTamperedInRelease(t *testing.T) {
	f := newFakeRepo(t, fakeSpec{})
	path := f.dist("InRelease")
	f.files[path] = bytes.Replace(f.files[path], []byte("Origin: Test"), []byte("Origin: Evil"), 1)
	_, _, err := fetchFake(t, f.repo(t), "")
	e := wantErr[*SignatureError](t, err, "fake test: InRelease: bad signature by key 0x")
	if e.Kind != BadSignature {
		t.Errorf("kind %v", e.Kind)
	}
}

func TestFetchUnknownKey(t *testing.T) {
	_, stranger := testKeys(t)
	f := newFakeRepo(t, fakeSpec{signer: stranger})
	_, _, err := fetchFake(t, f.repo(t), "")
	want := "fake test: InRelease: signature by unknown key " + keyID(stranger.PrimaryKey.KeyId) +
		"; keyring test-keyring.gpg has: "
	wantErr[*SignatureError](t, err, want, "(Test Archive Key <archive@example.org>)")
}

func TestFetchNotSigned(t *testing.T) {
	f := newFakeRepo(t, fakeSpec{unsigned: true})
	_, _, err := fetchFake(t, f.repo(t), "")
	e := wantErr[*SignatureError](t, err, "fake test: Release: not signed")
	if e.Kind != NotSigned {
		t.Errorf("kind %v", e.Kind)
	}
	// A plain Release served as InRelease is not signed either.
	f = newFakeRepo(t, fakeSpec{})
	f.files[f.dist("InRelease")] = f.release
	_, _, err = fetchFake(t, f.repo(t), "")
	wantErr[*SignatureError](t, err, "fake test: InRelease: not signed")
}

func TestFetchDetached(t *testing.T) {
	f := newFakeRepo(t, fakeSpec{detached: true})
	idx, _, err := fetchFake(t, f.repo(t), "")
	if err != nil {
		t.Fatal(err)
	}
	if idx.ReleaseSHA256 != sha256Hex(f.release) || !strings.Contains(idx.Signer, "Test Archive Key") {
		t.Errorf("ReleaseSHA256 %s, signer %q", idx.ReleaseSHA256, idx.Signer)
	}
	checkFiles(t, idx, "main/binary-amd64/Packages.gz", "main/binary-all/Packages.gz")
	// A tampered Release fails against its detached signature.
	f.files[f.dist("Release")] = bytes.Replace(f.release, []byte("Label: Test"), []byte("Label: Evil"), 1)
	_, _, err = fetchFake(t, f.repo(t), "")
	wantErr[*SignatureError](t, err, "fake test: Release: bad signature")
}

func TestFetchChecksumMismatch(t *testing.T) {
	f := newFakeRepo(t, fakeSpec{})
	path := f.dist("main/binary-amd64/Packages.gz")
	good := f.files[path]
	f.files[path] = bytes.Repeat([]byte{'x'}, len(good)) // right size, wrong bytes
	dir := t.TempDir()
	_, _, err := fetchFake(t, f.repo(t), dir)
	wantErr[*ChecksumError](t, err, "fake test: main/binary-amd64/Packages.gz: sha256 mismatch: want "+
		sha256Hex(good)+", got "+sha256Hex(f.files[path]), "(from "+f.srv.URL+path+")")
	for _, b := range cachedBlobs(t, dir) {
		if b == sha256Hex(good) || b == sha256Hex(f.files[path]) || strings.HasPrefix(b, ".") {
			t.Errorf("cache holds %s", b)
		}
	}
}

func TestFetchTruncated(t *testing.T) {
	f := newFakeRepo(t, fakeSpec{})
	path := f.dist("main/binary-amd64/Packages.gz")
	full := f.files[path]
	// The server promises the full length, sends half and hangs up.
	f.override[path] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(full)))
		w.Write(full[:len(full)/2])
	}
	dir := t.TempDir()
	_, _, err := fetchFake(t, f.repo(t), dir)
	want := "fake test: main/binary-amd64/Packages.gz: truncated: size " + strconv.Itoa(len(full)/2) + " of " + strconv.Itoa(len(full)) + " bytes"
	wantErr[*SizeError](t, err, want)
	// An honest but short body.
	f.override[path] = func(w http.ResponseWriter, r *http.Request) { w.Write(full[:10]) }
	_, _, err = fetchFake(t, f.repo(t), dir)
	wantErr[*SizeError](t, err, "truncated: size 10 of ")
	// A longer body.
	f.override[path] = func(w http.ResponseWriter, r *http.Request) { w.Write(append(full, 0)) }
	_, _, err = fetchFake(t, f.repo(t), dir)
	wantErr[*SizeError](t, err, "too long: more than "+strconv.Itoa(len(full))+" bytes")
	for _, b := range cachedBlobs(t, dir) {
		if b == sha256Hex(full) || strings.HasPrefix(b, ".") {
			t.Errorf("cache holds %s", b)
		}
	}
}

func TestFetchByHash(t *testing.T) {
	for _, ec := range encodingCases {
		f := newFakeRepo(t, fakeSpec{byHash: true, only: ec.only})
		idx, _, err := fetchFake(t, f.repo(t), "")
		if err != nil {
			t.Fatal(err)
		}
		checkFiles(t, idx, ec.path("amd64"), ec.path("all"))
		p := ec.path("amd64")
		data := idxData(t, f, p)
		if !f.requested(f.dist(byHashPath(p, data))) || f.requested(f.dist(p)) {
			t.Errorf("%s: by-hash path not used: %v", p, f.requests)
		}
		// Without the by-hash copy, the plain name is the fallback.
		delete(f.files, f.dist(byHashPath(p, data)))
		f.files[f.dist(p)] = data
		if _, _, err := fetchFake(t, f.repo(t), ""); err != nil {
			t.Fatal(err)
		}
		if !f.requested(f.dist(p)) {
			t.Errorf("%s: plain path not requested: %v", p, f.requests)
		}
	}
}

// idxData returns the published bytes of a by-hash-only index.
func idxData(t *testing.T, f *fakeRepo, path string) []byte {
	t.Helper()
	prefix := f.dist(path[:strings.LastIndex(path, "/")] + "/by-hash/SHA256/")
	rel, err := ParseRelease(f.release)
	if err != nil {
		t.Fatal(err)
	}
	data, ok := f.files[prefix+rel.SHA256[path].SHA256]
	if !ok {
		t.Fatalf("no by-hash copy of %s", path)
	}
	return data
}
