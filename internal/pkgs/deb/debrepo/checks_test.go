package debrepo

import (
	"context"
	"net/http"
	"testing"
)

// encodingCases are fake repositories publishing different sets of
// encodings, each with the index the fetcher must pick: gzip when all are
// published, xz when gzip is missing, and the plain index alone.
var encodingCases = []encodingCase{
	{nil, ".gz"},
	{[]string{".xz", ""}, ".xz"},
	{[]string{""}, ""},
}

// encodingCase is a fakeSpec.only and the extension it makes the fetcher
// choose.
type encodingCase struct {
	only []string
	ext  string
}

// path returns the index path the fetcher must pick for arch.
func (ec encodingCase) path(arch string) string {
	return "main/binary-" + arch + "/Packages" + ec.ext
}

func TestFetchOffline(t *testing.T) {
	for _, ec := range encodingCases {
		for _, detached := range []bool{false, true} {
			testFetchOffline(t, fakeSpec{detached: detached, only: ec.only}, ec)
		}
	}
	// Nothing cached: a clear error, no network.
	f := newFakeRepo(t, fakeSpec{})
	c := &Client{CacheDir: t.TempDir(), Offline: true}
	_, err := c.Fetch(context.Background(), f.repo(t))
	wantErr[*OfflineError](t, err, "fake test: InRelease: offline and not in the cache")
	if len(f.requests) != 0 {
		t.Errorf("offline fetch requested %v", f.requests)
	}
}

// testFetchOffline fetches spec's repository online, then offline from
// the same cache with the server gone.
func testFetchOffline(t *testing.T, spec fakeSpec, ec encodingCase) {
	t.Helper()
	f := newFakeRepo(t, spec)
	dir := t.TempDir()
	online, _, err := fetchFake(t, f.repo(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Close() // offline must not need it
	c := &Client{CacheDir: dir, Offline: true}
	idx, err := c.Fetch(context.Background(), f.repo(t))
	if err != nil {
		t.Fatal(err)
	}
	if idx.ReleaseSHA256 != online.ReleaseSHA256 || idx.Signer != online.Signer {
		t.Errorf("offline %s %q, online %s %q", idx.ReleaseSHA256, idx.Signer, online.ReleaseSHA256, online.Signer)
	}
	checkFiles(t, idx, ec.path("amd64"), ec.path("all"))
}

// TestFetchOfflineMissingIndex: a cached InRelease whose indexes were
// never fetched (or were removed) names the missing index.
func TestFetchOfflineMissingIndex(t *testing.T) {
	f := newFakeRepo(t, fakeSpec{})
	dir := t.TempDir()
	if _, _, err := fetchFake(t, f.repo(t), dir); err != nil {
		t.Fatal(err)
	}
	damage(t, f, dir, "main/binary-amd64/Packages.gz", "main/binary-amd64/Packages")
	c := &Client{CacheDir: dir, Offline: true}
	_, err := c.Fetch(context.Background(), f.repo(t))
	wantErr[*OfflineError](t, err, "fake test: main/binary-amd64/Packages.gz: offline and not in the cache")
}

func TestFetchSuiteMismatch(t *testing.T) {
	// A Release matches by its codename too.
	f := newFakeRepo(t, fakeSpec{suite: "stable", codename: "tester", dir: "tester"})
	if _, _, err := fetchFake(t, f.repo(t), ""); err != nil {
		t.Fatal(err)
	}
	// A signed Release for another suite, served as this one.
	f = newFakeRepo(t, fakeSpec{suite: "test", codename: "tester", dir: "stable"})
	_, _, err := fetchFake(t, f.repo(t), "")
	wantErr[*SuiteError](t, err, `fake stable: InRelease: Release is for suite "test" (codename "tester"), not "stable"`)
}

func TestFetchValidUntil(t *testing.T) {
	f := newFakeRepo(t, fakeSpec{validUntil: "Sat, 08 Jun 2002 10:00:00 UTC"})
	_, _, err := fetchFake(t, f.repo(t), "")
	wantErr[*ExpiredError](t, err, "fake test: InRelease: Release expired (Valid-Until: Sat, 08 Jun 2002 10:00:00 UTC)", "check_valid_until = False")
	r := f.repo(t)
	r.IgnoreValidUntil = true
	if _, _, err := fetchFake(t, r, ""); err != nil {
		t.Fatal(err)
	}
	f = newFakeRepo(t, fakeSpec{validUntil: "Sat, 8 Jun 2999 10:00:00 UTC"})
	if _, _, err := fetchFake(t, f.repo(t), ""); err != nil {
		t.Fatal(err)
	}
	f = newFakeRepo(t, fakeSpec{validUntil: "soon"})
	_, _, err = fetchFake(t, f.repo(t), "")
	wantErr[*ReleaseError](t, err, `bad date "soon"`)
}

func TestFetchMissingIndex(t *testing.T) {
	f := newFakeRepo(t, fakeSpec{})
	r := f.repo(t)
	r.Components = []string{"main", "contrib"}
	_, _, err := fetchFake(t, r, "")
	wantErr[*MissingIndexError](t, err, "fake test: Release: no Packages index for contrib/binary-amd64; the Release has components [main], architectures [all amd64]")
	r = f.repo(t)
	r.Arches = []string{"arm64"}
	_, _, err = fetchFake(t, r, "")
	wantErr[*MissingIndexError](t, err, "no Packages index for main/binary-arm64")
}

func TestFetchArchAll(t *testing.T) {
	f := newFakeRepo(t, fakeSpec{noAll: true})
	idx, _, err := fetchFake(t, f.repo(t), "")
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, idx, "main/binary-amd64/Packages.gz")
	// Asking for "all" explicitly, or twice, fetches it once.
	f = newFakeRepo(t, fakeSpec{})
	r := f.repo(t)
	r.Arches = []string{"all", "amd64", "all"}
	idx, _, err = fetchFake(t, r, "")
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, idx, "main/binary-all/Packages.gz", "main/binary-amd64/Packages.gz")
}

func TestFetchCompressionChoice(t *testing.T) {
	for _, tc := range []struct {
		only []string
		want string
	}{
		{[]string{".xz", ".gz", ""}, "Packages.gz"},
		{[]string{".xz", ".gz"}, "Packages.gz"},
		{[]string{".gz", ""}, "Packages.gz"},
		{[]string{".xz", ""}, "Packages.xz"},
		{[]string{"", ".xz"}, "Packages.xz"},
		{[]string{".xz"}, "Packages.xz"},
		{[]string{""}, "Packages"},
	} {
		f := newFakeRepo(t, fakeSpec{only: tc.only})
		idx, _, err := fetchFake(t, f.repo(t), "")
		if err != nil {
			t.Fatal(err)
		}
		checkFiles(t, idx, "main/binary-amd64/"+tc.want, "main/binary-all/"+tc.want)
	}
}

func TestFetchHTTPError(t *testing.T) {
	f := newFakeRepo(t, fakeSpec{})
	f.override[f.dist("InRelease")] = func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	}
	_, _, err := fetchFake(t, f.repo(t), "")
	wantErr[*HTTPError](t, err, "fake test: InRelease: HTTP 500 Internal Server Error (GET "+f.srv.URL+f.dist("InRelease")+")")
	f.override[f.dist("InRelease")] = nil
	delete(f.files, f.dist("main/binary-all/Packages.gz"))
	_, _, err = fetchFake(t, f.repo(t), "")
	wantErr[*HTTPError](t, err, "fake test: main/binary-all/Packages.gz: HTTP 404 Not Found")
}

func TestFetchBadRepo(t *testing.T) {
	c := &Client{}
	_, err := c.Fetch(context.Background(), Repo{Name: "x", Suite: "s"})
	wantErr[*ReleaseError](t, err, "x s: no mirror, components, architectures, keyring, cache directory given")
}

// damage overwrites the cache entries of paths.
func damage(t *testing.T, f *fakeRepo, dir string, paths ...string) {
	t.Helper()
	rel, err := ParseRelease(f.release)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if err := writeAtomic(cache{dir}.blob(rel.SHA256[p].SHA256), []byte("damaged")); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFetchCacheRepair: damaged cache entries are detected by re-hashing
// and replaced.
func TestFetchCacheRepair(t *testing.T) {
	for _, ec := range encodingCases {
		f := newFakeRepo(t, fakeSpec{only: ec.only})
		dir := t.TempDir()
		if _, _, err := fetchFake(t, f.repo(t), dir); err != nil {
			t.Fatal(err)
		}
		p, plain := ec.path("amd64"), "main/binary-amd64/Packages"
		if p != plain {
			testRepairPlain(t, f, dir, ec)
		}
		// With every entry damaged, the index is fetched again.
		f.reset()
		damage(t, f, dir, p, plain)
		idx, _, err := fetchFake(t, f.repo(t), dir)
		if err != nil {
			t.Fatal(err)
		}
		checkFiles(t, idx, p, ec.path("all"))
		if !f.requested(f.dist(p)) {
			t.Errorf("%s: damaged entry not fetched again", p)
		}
	}
}

// testRepairPlain damages the cached decompressed index, which must be
// rebuilt from the intact compressed one without a download.
func testRepairPlain(t *testing.T, f *fakeRepo, dir string, ec encodingCase) {
	t.Helper()
	damage(t, f, dir, "main/binary-amd64/Packages")
	f.reset()
	idx, _, err := fetchFake(t, f.repo(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, idx, ec.path("amd64"), ec.path("all"))
	if f.requested(f.dist(ec.path("amd64"))) {
		t.Errorf("%s: refetched the intact compressed index", ec.path("amd64"))
	}
}

// TestFetchPlainMismatch: decompressed data must match the Release's sum
// for the uncompressed index, whichever compressed index it came from.
func TestFetchPlainMismatch(t *testing.T) {
	for _, ext := range []string{".gz", ".xz"} {
		f := newFakeRepo(t, fakeSpec{wrongPlain: true, only: []string{ext, ""}})
		_, _, err := fetchFake(t, f.repo(t), "")
		wantErr[*ChecksumError](t, err, "fake test: main/binary-amd64/Packages: sha256 mismatch: want ",
			"(from decompressed main/binary-amd64/Packages"+ext+")")
	}
}
