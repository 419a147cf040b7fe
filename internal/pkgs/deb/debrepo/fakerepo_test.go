package debrepo

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/ulikunitz/xz"
)

// Keys generated once per test binary: the trusted one and a stranger.
var (
	keysOnce           sync.Once
	trustedKey, strKey *openpgp.Entity
)

func testKeys(t testing.TB) (trusted, stranger *openpgp.Entity) {
	keysOnce.Do(func() {
		trustedKey = newKey(t, "Test Archive Key", nil)
		strKey = newKey(t, "Stranger Key", nil)
	})
	return trustedKey, strKey
}

// newKey generates an Ed25519 signing key (fast); cfg may set its time
// and lifetime.
func newKey(t testing.TB, name string, cfg *packet.Config) *openpgp.Entity {
	t.Helper()
	if cfg == nil {
		cfg = &packet.Config{}
	}
	cfg.Algorithm = packet.PubKeyAlgoEdDSA
	e, err := openpgp.NewEntity(name, "", "archive@example.org", cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// publicKeyring serializes the public parts of keys and reads them back,
// as a keyring file would be.
func publicKeyring(t testing.TB, keys ...*openpgp.Entity) openpgp.EntityList {
	t.Helper()
	var buf bytes.Buffer
	for _, k := range keys {
		if err := k.Serialize(&buf); err != nil {
			t.Fatal(err)
		}
	}
	el, err := ReadKeyring(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return el
}

// clearsignWith clearsigns data with key (cfg may set the signature time).
func clearsignWith(t testing.TB, data []byte, cfg *packet.Config, keys ...*openpgp.Entity) []byte {
	t.Helper()
	var buf bytes.Buffer
	var priv []*packet.PrivateKey
	for _, k := range keys {
		priv = append(priv, k.PrivateKey)
	}
	w, err := clearsign.EncodeMulti(&buf, priv, cfg)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// detachSign returns an armored detached signature of data by key.
func detachSign(t testing.TB, data []byte, key *openpgp.Entity) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := openpgp.ArmoredDetachSign(&buf, key, bytes.NewReader(data), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fakeSpec describes a fake repository.
type fakeSpec struct {
	suite, codename string // suite defaults to "test"
	dir             string // the directory under dists/; default suite
	byHash          bool   // Acquire-By-Hash: yes, and indexes only under by-hash
	noAll           bool   // No-Support-for-Architecture-all: Packages
	date            string // the Date field; default fakeDate, "-" for none
	validUntil      string
	detached        bool            // serve Release + Release.gpg, no InRelease
	unsigned        bool            // serve Release only
	signer          *openpgp.Entity // default: the trusted key
	only            []string        // compressions to publish; default all
	wrongPlain      bool            // the uncompressed amd64 index differs from the compressed ones
}

// fakeDate is the fake Release's Date unless the spec says otherwise.
const fakeDate = "Sat, 01 Jun 2024 10:00:00 UTC"

// fakePackages is the index content of the fake repository, per arch.
func fakePackages(arch string) []byte {
	return []byte(fmt.Sprintf("Package: hello\nVersion: 1.0-1\nArchitecture: %s\nFilename: pool/main/h/hello/hello_1.0-1_%s.deb\n\n", arch, arch))
}

// fakeRepo is an HTTP server holding a fake repository under /debian.
type fakeRepo struct {
	spec     fakeSpec
	mu       sync.Mutex
	files    map[string][]byte           // URL path -> body
	override map[string]http.HandlerFunc // URL path -> handler
	requests []string
	srv      *httptest.Server
	release  []byte // the Release text as signed
}

func newFakeRepo(t *testing.T, spec fakeSpec) *fakeRepo {
	t.Helper()
	if spec.suite == "" {
		spec.suite = "test"
	}
	if spec.dir == "" {
		spec.dir = spec.suite
	}
	if spec.signer == nil {
		spec.signer, _ = testKeys(t)
	}
	if spec.only == nil {
		spec.only = compressions
	}
	f := &fakeRepo{spec: spec, files: map[string][]byte{}, override: map[string]http.HandlerFunc{}}
	f.build(t)
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// dist returns the URL path of a file under dists/<suite>/.
func (f *fakeRepo) dist(path string) string { return "/debian/dists/" + f.spec.dir + "/" + path }

// build writes indexes, the Release and its signature into f.files.
func (f *fakeRepo) build(t *testing.T) {
	sums := map[string][]byte{}
	for _, arch := range []string{"amd64", "all"} {
		plain := fakePackages(arch)
		for _, ext := range f.spec.only {
			sums["main/binary-"+arch+"/Packages"+ext] = compress(t, plain, ext)
		}
	}
	if f.spec.wrongPlain {
		sums["main/binary-amd64/Packages"] = bytes.Replace(fakePackages("amd64"), []byte("hello"), []byte("hellp"), 1)
	}
	rel := f.releaseText(sums)
	for path, data := range sums {
		f.files[f.dist(path)] = data
		if f.spec.byHash {
			delete(f.files, f.dist(path))
			f.files[f.dist(byHashPath(path, data))] = data
		}
	}
	f.release = rel
	f.sign(t, rel)
}

// byHashPath returns path's by-hash name.
func byHashPath(path string, data []byte) string {
	dir := path[:strings.LastIndex(path, "/")]
	return dir + "/by-hash/SHA256/" + sha256Hex(data)
}

// sign stores the Release in the form the spec asks for.
func (f *fakeRepo) sign(t *testing.T, rel []byte) {
	switch {
	case f.spec.unsigned:
		f.files[f.dist("Release")] = rel
	case f.spec.detached:
		f.files[f.dist("Release")] = rel
		f.files[f.dist("Release.gpg")] = detachSign(t, rel, f.spec.signer)
	default:
		f.files[f.dist("InRelease")] = clearsignWith(t, rel, nil, f.spec.signer)
	}
}

// releaseText renders a Release listing sums.
func (f *fakeRepo) releaseText(sums map[string][]byte) []byte {
	var b strings.Builder
	codename := f.spec.codename
	if codename == "" {
		codename = f.spec.suite
	}
	fmt.Fprintf(&b, "Origin: Test\nLabel: Test\nSuite: %s\nCodename: %s\n", f.spec.suite, codename)
	switch f.spec.date {
	case "":
		fmt.Fprintf(&b, "Date: %s\n", fakeDate)
	case "-":
	default:
		fmt.Fprintf(&b, "Date: %s\n", f.spec.date)
	}
	if f.spec.validUntil != "" {
		fmt.Fprintf(&b, "Valid-Until: %s\n", f.spec.validUntil)
	}
	if f.spec.byHash {
		b.WriteString("Acquire-By-Hash: yes\n")
	}
	if f.spec.noAll {
		b.WriteString("No-Support-for-Architecture-all: Packages\n")
	}
	b.WriteString("Architectures: all amd64\nComponents: main\nSHA256:\n")
	var paths []string
	for p := range sums {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(&b, " %s %8d %s\n", sha256Hex(sums[p]), len(sums[p]), p)
	}
	return []byte(b.String())
}

func (f *fakeRepo) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL.Path)
	h := f.override[r.URL.Path]
	data, ok := f.files[r.URL.Path]
	f.mu.Unlock()
	switch {
	case h != nil:
		h(w, r)
	case ok:
		w.Write(data)
	default:
		http.NotFound(w, r)
	}
}

// reset forgets the requests served so far.
func (f *fakeRepo) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = nil
}

// requested reports whether the server was asked for path.
func (f *fakeRepo) requested(path string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.requests {
		if r == path {
			return true
		}
	}
	return false
}

// repo returns the Repo for this server, trusting the trusted key.
func (f *fakeRepo) repo(t *testing.T) Repo {
	trusted, _ := testKeys(t)
	return Repo{Name: "fake", Mirror: f.srv.URL + "/debian/", Suite: f.spec.dir,
		Components: []string{"main"}, Arches: []string{"amd64"},
		Keyring: publicKeyring(t, trusted), KeyringName: "test-keyring.gpg"}
}

// compress encodes data by extension.
func compress(t testing.TB, data []byte, ext string) []byte {
	var buf bytes.Buffer
	switch ext {
	case ".xz":
		w, err := xz.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		w.Close()
	case ".gz":
		w := gzip.NewWriter(&buf)
		w.Write(data)
		w.Close()
	default:
		buf.Write(data)
	}
	return buf.Bytes()
}

func sha256Hex(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// at returns a clock stuck at t, for expiry tests.
func at(t time.Time) func() time.Time { return func() time.Time { return t } }
