package ocilayout

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/testutil"
)

func TestRun(t *testing.T) {
	src := rootfs(t, false)
	sbom := filepath.Join(t.TempDir(), "sbom.json")
	testutil.Must(t, os.WriteFile(sbom, []byte(`{"spdxVersion":"SPDX-2.3"}`), 0o644))
	out := filepath.Join(t.TempDir(), "layout")
	testutil.Must(t, Run(request.OCI{Out: out, Epoch: 5, SBOM: sbom, Ref: "demo:1", Images: []request.OCIImage{
		{OS: "linux", Architecture: "amd64", Root: src},
		{OS: "linux", Architecture: "arm", Variant: "v7", Root: src},
	}}))
	want := filepath.Join(t.TempDir(), "layout")
	images := []Image{
		{Platform: Platform{OS: "linux", Architecture: "amd64"}, Rootfs: src},
		{Platform: Platform{OS: "linux", Architecture: "arm", Variant: "v7"}, Rootfs: src},
	}
	testutil.Must(t, Write(want, images, Options{Epoch: 5, Ref: "demo:1", SBOM: []byte(`{"spdxVersion":"SPDX-2.3"}`)}))
	if a, b := testutil.DirContents(t, out), testutil.DirContents(t, want); a != b {
		t.Errorf("Run output differs from Write:\n%s\nwant:\n%s", a, b)
	}
}

func TestRunErrors(t *testing.T) {
	src := rootfs(t, false)
	full := t.TempDir()
	testutil.Must(t, os.WriteFile(filepath.Join(full, "x"), nil, 0o644))
	fresh := func() string { return filepath.Join(t.TempDir(), "layout") }
	amd64 := request.OCIImage{OS: "linux", Architecture: "amd64", Root: src}
	for name, req := range map[string]request.OCI{
		"full out":      {Out: full, Images: []request.OCIImage{amd64}},
		"missing sbom":  {Out: fresh(), SBOM: filepath.Join(full, "nope"), Images: []request.OCIImage{amd64}},
		"bad ref":       {Out: fresh(), Ref: "-bad", Images: []request.OCIImage{amd64}},
		"same platform": {Out: fresh(), Images: []request.OCIImage{amd64, amd64}},
		"upper-case os": {Out: fresh(), Images: []request.OCIImage{{OS: "Linux", Architecture: "amd64", Root: src}}},
		"slash in arch": {Out: fresh(), Images: []request.OCIImage{{OS: "linux", Architecture: "arm/v7", Root: src}}},
	} {
		if err := req.Check(); err != nil {
			t.Errorf("%s: the request's check fails: %v", name, err)
		}
		if err := Run(req); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
