package libsrc

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/host/gitsrc"
	"github.com/cairn-build/cairn/internal/host/gitsrc/gittest"
	"github.com/cairn-build/cairn/internal/pkgs/lock"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// TestGitLibrary fetches a library at a signed tag from a real git
// server, then reads it again, offline and locked, from the kept archive.
func TestGitLibrary(t *testing.T) {
	g := gittest.NewGPG(t)
	key := g.NewKey(t, "Vendor <boards@example.org>")
	kr, err := gitsrc.ParseKeyring("vendor.asc", g.Export(t, key))
	if err != nil {
		t.Fatal(err)
	}
	repo := gittest.NewRepo(t, filepath.Join(t.TempDir(), "src"), g)
	repo.Commit(t, "boards", map[string]string{"boards/acme.star": "NAME = \"acme\"\n", "README": "x\n"})
	repo.Tag(t, "v1.0", true, key)
	base := t.TempDir()
	repo.Serve(t, base, "boards")
	url := gittest.Daemon(t, base) + "boards.git"
	req := gitsrc.Request{URL: url, Ref: "v1.0", Verify: kr}

	cache := t.TempDir()
	gs := gitsrc.New(gitsrc.Config{})
	fsys, err := New(Config{Git: gs, Cache: cache}).GitLibrary(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(fsys, "boards/acme.star"); err != nil || string(b) != "NAME = \"acme\"\n" {
		t.Fatalf("boards/acme.star = %q, %v", b, err)
	}
	entries, err := gs.Entries()
	if err != nil || len(entries) != 1 || entries[0].TagSigner == "" {
		t.Fatalf("lock entries = %+v, %v; want the tag pinned with its signer", entries, err)
	}

	// Offline: the server is gone; --locked takes the commit from the lock
	// and the files from the kept archive.
	os.RemoveAll(base)
	locked := gitsrc.New(gitsrc.Config{Lock: &lock.File{Git: entries}, Locked: true})
	fsys, err = New(Config{Git: locked, Cache: cache}).GitLibrary(context.Background(), req)
	if err != nil {
		t.Fatalf("offline, locked: %v", err)
	}
	if _, err := fs.Stat(fsys, "boards/acme.star"); err != nil {
		t.Fatal(err)
	}
	// Not locked and not kept: the error says the first fetch needs the network.
	_, err = New(Config{Git: locked, Cache: t.TempDir()}).GitLibrary(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "needs the network") {
		t.Errorf("fetch without server or cache: %v", err)
	}
}

func TestHTTPLibrary(t *testing.T) {
	archive := tarOf(t, map[string]string{"lib-1.0/x.star": "x = 1\n"})
	gz := gzipOf(t, archive)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(gz) }))
	defer srv.Close()
	sum := sha256.Sum256(gz)
	pin := "sha256:" + hex.EncodeToString(sum[:])
	cache := t.TempDir()
	s := New(Config{Cache: cache})
	fsys, err := s.HTTPLibrary(context.Background(), srv.URL+"/lib.tgz", pin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Stat(fsys, "lib-1.0/x.star"); err != nil {
		t.Fatal(err)
	}
	// Kept: read without the server.
	srv.Close()
	if _, err := s.HTTPLibrary(context.Background(), srv.URL+"/lib.tgz", pin); err != nil {
		t.Fatalf("kept copy: %v", err)
	}
	// A damaged kept copy is not used.
	kept := filepath.Join(cache, "http-"+strings.TrimPrefix(pin, "sha256:"))
	os.WriteFile(kept, []byte("damaged"), 0o644)
	if _, err := s.HTTPLibrary(context.Background(), srv.URL+"/lib.tgz", pin); err == nil {
		t.Error("a damaged kept copy was used")
	}
	// Another digest than the recipe's is refused, and nothing is kept.
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(archive) }))
	defer srv2.Close()
	_, err = s.HTTPLibrary(context.Background(), srv2.URL+"/lib.tgz", "sha256:"+strings.Repeat("0", 64))
	if err == nil || !strings.Contains(err.Error(), "the recipe pins sha256:0000") {
		t.Errorf("wrong digest: %v", err)
	}
	if _, err := os.Stat(filepath.Join(cache, "http-"+strings.Repeat("0", 64))); err == nil {
		t.Error("a file with the wrong digest was kept")
	}
}

func TestReadArchive(t *testing.T) {
	archive := tarOf(t, map[string]string{"a/x.star": "x\n", "../evil.star": "no\n", "/abs.star": "abs\n"})
	var xzb, zsb bytes.Buffer
	xw, _ := xz.NewWriter(&xzb)
	xw.Write(archive)
	xw.Close()
	zw, _ := zstd.NewWriter(&zsb)
	zw.Write(archive)
	zw.Close()
	for name, data := range map[string][]byte{"tar": archive, "gzip": gzipOf(t, archive), "xz": xzb.Bytes(), "zstd": zsb.Bytes()} {
		fsys, err := ReadArchive(data, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got []string
		fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				got = append(got, p)
			}
			return nil
		})
		if strings.Join(got, ",") != "a/x.star,abs.star" {
			t.Errorf("%s: files %q; want the escaping name left out and the absolute one made relative", name, got)
		}
	}
	if _, err := ReadArchive([]byte{0x1f, 0x8b, 0, 0}, "broken.tgz"); err == nil || !strings.HasPrefix(err.Error(), "broken.tgz: ") {
		t.Errorf("broken archive: %v", err)
	}
}

func tarOf(t *testing.T, files map[string]string) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for name, data := range files {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write([]byte(data))
	}
	tw.WriteHeader(&tar.Header{Name: "link", Linkname: "/etc/passwd", Typeflag: tar.TypeSymlink})
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gzipOf(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
