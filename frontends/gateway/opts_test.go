package gateway

import (
	"context"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/lang"
	"github.com/containerd/platforms"
)

func TestGatewayOptions(t *testing.T) {
	o, err := parseOptions(map[string]string{
		"target": "img", "platform": "linux/arm64,linux/amd64,linux/arm64",
		"build-arg:SOURCE_DATE_EPOCH": "1700000000", "build-arg:CAIRN_MIRRORS": "debian=http://a/d extra=https://b/e",
		"mirror:debian": "https://c/debian", "build-arg:HTTP_PROXY": "http://proxy:3128", "build-arg:BUILDKIT_SYNTAX": "x",
		"no-cache": "other,img", "source": "cairn-frontend", "max-steps": "5000", "context:cairn-frontend": "oci-layout://cairn-frontend@sha256:00",
		"cache-imports": `[{"Type":"registry","Attrs":{"ref":"r/cache:img"}}]`,
	})
	if err != nil {
		t.Fatal(err)
	}
	var plats []string
	for _, p := range o.Platforms {
		plats = append(plats, platforms.Format(p))
	}
	if o.filename != DefaultFilename || o.Target != "img" || o.Epoch != 1700000000 || !o.NoCache || o.MaxSteps != 5000 ||
		strings.Join(plats, ",") != "linux/arm64,linux/amd64" ||
		o.Mirrors["debian"] != "https://c/debian" || o.Mirrors["extra"] != "https://b/e" {
		t.Errorf("got %+v (platforms %v)", o, plats)
	}
	if len(o.CacheImports) != 1 || o.CacheImports[0].Attrs["ref"] != "r/cache:img" {
		t.Errorf("cache imports %+v", o.CacheImports)
	}
	if o, _ := parseOptions(map[string]string{}); o.Epoch != epoch.Default || o.MaxSteps != lang.DefaultMaxSteps {
		t.Errorf("defaults: epoch %d, max-steps %d; want the CLI's", o.Epoch, o.MaxSteps)
	}
	if o, _ := parseOptions(map[string]string{"cmdline": "x"}); o.filename != "Dockerfile" {
		t.Errorf("forwarded by a syntax line: filename %q, want the Dockerfile frontend's default", o.filename)
	}
}

func TestGatewayOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		opts map[string]string
		want string
	}{
		{map[string]string{"build-arg:FOO": "1"}, "build-arg:FOO: cairn recipes take no build arguments"},
		{map[string]string{"build-arg:SOURCE_DATE_EPOCH": "soon"}, `SOURCE_DATE_EPOCH="soon"`},
		{map[string]string{"context:base": "git://x"}, `--opt context:base="git://x": cairn reads a named context from local:LOCALNAME`},
		{map[string]string{"context:base": "oci-layout://store"}, "want oci-layout://STORE@sha256:DIGEST"},
		{map[string]string{"context:Base": "local:base"}, "want a context name"},
		{map[string]string{"context:base::linux/arm64": "local:base"}, "no ::PLATFORM suffix"},
		{map[string]string{"platform": "linux/amd64,???"}, "--opt platform="},
		{map[string]string{"platform": "linux/sparc99"}, "--opt platform=linux/sparc99: unknown platform; cairn builds for linux/386, linux/amd64,"},
		{map[string]string{"mirror:debian": "ftp://x"}, `--opt mirror:debian: want an http:// or https:// URL, got "ftp://x"`},
		{map[string]string{"mirror:debian": "file:///srv/debian"}, "--opt mirror:debian: want an http:// or https:// URL, got \"file:///srv/debian\": the engine downloads package files itself and cannot read file:// paths"},
		{map[string]string{"build-arg:CAIRN_MIRRORS": "debian=file:///srv/debian"}, "build-arg:CAIRN_MIRRORS: debian: want an http:// or https:// URL"},
		{map[string]string{"cache-imports": "{"}, "build option cache-imports"},
		{map[string]string{"max-steps": "0"}, `--opt max-steps="0": want a positive number of evaluation steps`},
		{map[string]string{"max-steps": "lots"}, `--opt max-steps="lots"`},
		{map[string]string{"build-arg:CAIRN_MIRRORS": "debian"}, "CAIRN_MIRRORS: want NAME=URL"},
		{map[string]string{"filename": "../cairn.star"}, "inside the dockerfile local"},
	} {
		_, err := parseOptions(tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want an error with %q", tc.opts, err, tc.want)
		}
	}
}

func TestGatewayContexts(t *testing.T) {
	d := "sha256:" + strings.Repeat("a", 64)
	o, err := parseOptions(map[string]string{
		"context:site": "local:site-dir", "context:img": "docker-image://example.invalid/x:1",
		"context:layout": "oci-layout://store@" + d,
		"source":         "cairn-frontend", "context:cairn-frontend": "oci-layout://cairn-frontend@sha256:00",
	})
	if err != nil {
		t.Fatal(err)
	}
	sts, err := o.contextStates("sess")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"site": "local://site-dir", "img": "docker-image://example.invalid/x:1", "layout": "oci-layout://store@" + d}
	if len(sts) != len(want) {
		t.Fatalf("got contexts %v, want %v", sts, want)
	}
	for name, id := range want {
		def, err := sts[name].Marshal(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got := string(def.Def[0]); !strings.Contains(got, id) {
			t.Errorf("context %s: source op %q lacks %q", name, got, id)
		}
	}
}
