package pkgsrc

import (
	"context"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo/debrepotest"
)

// futureRepo serves a signed repository whose Release has the given Date
// and Valid-Until, and returns the RepoSpec that reads it.
func futureRepo(t *testing.T, date, validUntil string) pkgs.RepoSpec {
	t.Helper()
	r := debrepotest.Serve(t, debrepotest.Options{Date: date, ValidUntil: validUntil,
		Packages: "Package: hello\nVersion: 1.0\nArchitecture: amd64\nFilename: pool/hello_1.0_amd64.deb\nSize: 1\n" +
			"SHA256: " + strings.Repeat("a", 64) + "\n"})
	return pkgs.RepoSpec{Type: "deb", Name: "fake", Suite: "test", Components: []string{"main"}, Mirror: r.URL,
		Keyring: "test.asc", KeyringData: r.PublicKey}
}

// TestDateChecksReachTheFetch: a RepoSpec's IgnoreDate and
// IgnoreValidUntil reach debrepo, and each turns off its own check only.
func TestDateChecksReachTheFetch(t *testing.T) {
	const future, past = "Sat, 01 Jun 2999 10:00:00 UTC", "Sat, 01 Jun 2002 10:00:00 UTC"
	for _, tc := range []struct {
		date, validUntil         string
		ignoreDate, ignoreExpiry bool
		want                     string // "" for success
	}{
		{future, future, false, false, "Release file is not valid yet"},
		{future, future, false, true, "Release file is not valid yet"},
		{future, future, true, false, ""},
		{past, past, false, false, "Release expired"},
		{past, past, true, false, "Release expired"},
		{past, past, false, true, ""},
	} {
		spec := futureRepo(t, tc.date, tc.validUntil)
		spec.IgnoreDate, spec.IgnoreValidUntil = tc.ignoreDate, tc.ignoreExpiry
		s := New(Config{Client: &debrepo.Client{CacheDir: t.TempDir()}})
		req := pkgs.Request{Repos: []pkgs.RepoSpec{spec}, Packages: []string{"hello"}, Variant: "none", Arch: "amd64", Pos: "cairn.star:1:1"}
		set, err := s.Resolve(context.Background(), req)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: %v", tc, err)
		case tc.want == "" && (len(set.Packages) != 1 || set.Packages[0].Name != "hello"):
			t.Errorf("%+v: got %+v", tc, set.Packages)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: got error %v, want %q", tc, err, tc.want)
		}
	}
}

// TestDateChecksOutOfKey: the overrides do not change a request's key, so
// turning one off keeps cairn.lock valid.
func TestDateChecksOutOfKey(t *testing.T) {
	a := request("a", "bash")
	b := request("a", "bash")
	b.Repos[0].IgnoreDate, b.Repos[0].IgnoreValidUntil = true, true
	if a.Key() != b.Key() {
		t.Errorf("key changed by the date overrides: %s vs %s", a.Key(), b.Key())
	}
}
