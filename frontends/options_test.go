package frontends

import (
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/lang"
)

// TestMirrors checks the one mirror parser both doors use: NAME=URL, the
// CAIRN_MIRRORS list (a mirror named on its own wins), and the URLs the
// engine can download from.
func TestMirrors(t *testing.T) {
	m := Mirrors{}
	if err := m.Set("debian=https://a/debian"); err != nil {
		t.Fatal(err)
	}
	if err := m.AddList("debian=http://b/debian, extra=http://c/{snapshot}/  other=http://127.0.0.1:8000/"); err != nil {
		t.Fatal(err)
	}
	if got, want := m.String(), "debian=https://a/debian extra=http://c/{snapshot}/ other=http://127.0.0.1:8000/"; got != want {
		t.Errorf("mirrors %q, want %q", got, want)
	}
	for _, tc := range []struct{ in, want string }{
		{"debian", `want NAME=URL, got "debian"`},
		{"=http://a/", `want NAME=URL, got "=http://a/"`},
		{"debian=ftp://a/", `debian: want an http:// or https:// URL, got "ftp://a/"`},
		{"debian=http:///debian", `want an http:// or https:// URL`},
		{"debian=/srv/debian", `want an http:// or https:// URL`},
		{"debian=file:///srv/debian", `debian: want an http:// or https:// URL, got "file:///srv/debian": the engine downloads package files itself and cannot read file:// paths; serve the archive over HTTP`},
	} {
		if err := (Mirrors{}).Set(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Set(%q) = %v, want an error with %q", tc.in, err, tc.want)
		}
	}
	if err := (Mirrors{}).AddList("debian=https://a/ extra"); err == nil || !strings.Contains(err.Error(), `want NAME=URL, got "extra"`) {
		t.Errorf("AddList with a bare name = %v", err)
	}
	if err := (Mirrors{}).Add("", "https://a/"); err == nil {
		t.Error("Add with no name succeeded")
	}
}

func TestParseMaxSteps(t *testing.T) {
	if n, err := ParseMaxSteps("5000"); n != 5000 || err != nil {
		t.Errorf("ParseMaxSteps(5000) = %d, %v", n, err)
	}
	for _, s := range []string{"0", "-1", "lots", ""} {
		if _, err := ParseMaxSteps(s); err == nil || err.Error() != "want a positive number of evaluation steps" {
			t.Errorf("ParseMaxSteps(%q) = %v", s, err)
		}
	}
}

func TestParseCacheImports(t *testing.T) {
	got, err := ParseCacheImports(map[string]string{"cache-imports": `[{"Type":"local","Attrs":{"src":"/c","digest":"sha256:00"}},{"Type":"registry","Attrs":{"ref":"r/c:t"}}]`})
	if err != nil || len(got) != 2 || got[0].Type != "local" || got[0].Attrs["digest"] != "sha256:00" || got[1].Attrs["ref"] != "r/c:t" {
		t.Errorf("got %+v, %v", got, err)
	}
	if got, err := ParseCacheImports(map[string]string{}); got != nil || err != nil {
		t.Errorf("no option: got %+v, %v", got, err)
	}
	if _, err := ParseCacheImports(map[string]string{"cache-imports": "{"}); err == nil || !strings.Contains(err.Error(), "build option cache-imports") {
		t.Errorf("bad JSON: %v", err)
	}
}

func TestNewOptions(t *testing.T) {
	o := NewOptions()
	if o.Epoch != epoch.Default || o.MaxSteps != lang.DefaultMaxSteps || o.Mirrors == nil || len(o.Platforms) != 0 {
		t.Errorf("defaults %+v", o)
	}
}
