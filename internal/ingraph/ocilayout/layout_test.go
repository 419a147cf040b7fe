package ocilayout

import (
	"bytes"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// testSBOM is a minimal SPDX document.
const testSBOM = `{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"test","packages":[]}`

// writeTwo writes a two-platform layout with an SBOM and a reference.
func writeTwo(t *testing.T, amd64, arm64 string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "layout")
	images := []Image{
		{Platform{OS: "linux", Architecture: "amd64"}, amd64},
		{Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}, arm64},
	}
	testutil.Must(t, Write(dir, images, Options{Epoch: 1700000000, Ref: "cairn/test:1.0", SBOM: []byte(testSBOM)}))
	return dir
}

// files maps each file of a directory tree to its content.
func files(t *testing.T, root string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	testutil.Must(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		out[rel] = string(data)
		return err
	}))
	return out
}

func TestDeterministic(t *testing.T) {
	testutil.NeedRoot(t)
	amd64, arm64 := rootfs(t, true), rootfs(t, false)
	a, b := files(t, writeTwo(t, amd64, arm64)), files(t, writeTwo(t, amd64, arm64))
	// oci-layout, index.json, the nested index, empty config, SBOM, per
	// image a layer, a config, a manifest and an artifact manifest.
	if len(a) != 2+1+2+2*4 {
		t.Errorf("layout has %d files: %v", len(a), slices.Sorted(maps.Keys(a)))
	}
	for name, data := range a {
		if b[name] != data {
			t.Errorf("%s differs between two runs", name)
		}
	}
	// Same trees built again in other places, with other mtimes: same bytes.
	c := files(t, writeTwo(t, rootfs(t, true), rootfs(t, false)))
	for name, data := range a {
		if c[name] != data {
			t.Errorf("%s differs for an equal tree built elsewhere", name)
		}
	}
}

func TestLayoutStructure(t *testing.T) {
	testutil.NeedRoot(t)
	dir := writeTwo(t, rootfs(t, true), rootfs(t, false))
	top, nested := platformIndex(t, dir)
	if !maps.Equal(top.Annotations, map[string]string{v1.AnnotationRefName: "cairn/test:1.0"}) ||
		top.Platform != nil || top.ArtifactType != "" {
		t.Errorf("index.json entry: %+v", top)
	}
	if nested.MediaType != v1.MediaTypeImageIndex || nested.SchemaVersion != 2 || len(nested.Manifests) != 4 ||
		nested.Annotations != nil || nested.Subject != nil {
		t.Fatalf("nested index: %+v", nested)
	}
	wantPlatforms := []string{"linux/amd64/", "linux/arm64/v8"}
	wantCmd := []string{"/bin/bash", "/bin/sh"}
	for i, d := range nested.Manifests[:2] {
		if p := d.Platform; p == nil || p.OS+"/"+p.Architecture+"/"+p.Variant != wantPlatforms[i] {
			t.Errorf("manifest %d: platform %+v", i, d.Platform)
		}
		if d.Annotations != nil || d.MediaType != v1.MediaTypeImageManifest {
			t.Errorf("manifest %d: %+v", i, d)
		}
		checkImage(t, dir, d, wantCmd[i])
		checkSBOM(t, dir, nested.Manifests[2+i], d)
	}
}

// TestSingleImageWithSBOM: one image with an SBOM is one nested index in
// index.json (named by the ref), holding the image and the SBOM artifact,
// so index.json lists one entry and `skopeo inspect oci:DIR` needs no tag.
func TestSingleImageWithSBOM(t *testing.T) {
	testutil.NeedRoot(t)
	dir := filepath.Join(t.TempDir(), "layout")
	img := Image{Platform{OS: "linux", Architecture: "arm64"}, rootfs(t, false)}
	testutil.Must(t, Write(dir, []Image{img}, Options{Epoch: 1700000000, Ref: "one", SBOM: []byte(testSBOM)}))
	top, nested := platformIndex(t, dir)
	if !maps.Equal(top.Annotations, map[string]string{v1.AnnotationRefName: "one"}) || len(nested.Manifests) != 2 {
		t.Fatalf("index.json entry %+v, nested %+v", top, nested)
	}
	d := nested.Manifests[0]
	if d.Platform == nil || d.Platform.Architecture != "arm64" || d.MediaType != v1.MediaTypeImageManifest || d.Annotations != nil {
		t.Errorf("manifest: %+v", d)
	}
	checkImage(t, dir, d, "/bin/sh")
	checkSBOM(t, dir, nested.Manifests[1], d)
}

// TestSingleImage: one image with nothing attached is index.json's one
// entry itself, named by the ref (umoci and other tools that do not read
// nested indexes take it).
func TestSingleImage(t *testing.T) {
	testutil.NeedRoot(t)
	dir := filepath.Join(t.TempDir(), "layout")
	img := Image{Platform{OS: "linux", Architecture: "arm64"}, rootfs(t, false)}
	testutil.Must(t, Write(dir, []Image{img}, Options{Epoch: 1700000000, Ref: "one"}))
	idx := readIndex(t, dir)
	if len(idx.Manifests) != 1 || idx.Manifests[0].MediaType != v1.MediaTypeImageManifest ||
		!maps.Equal(idx.Manifests[0].Annotations, map[string]string{v1.AnnotationRefName: "one"}) {
		t.Fatalf("index: %+v", idx)
	}
	checkImage(t, dir, idx.Manifests[0], "/bin/sh")
}

// checkImage checks one image manifest and its configuration.
func checkImage(t *testing.T, dir string, d v1.Descriptor, cmd string) {
	var m v1.Manifest
	decode(t, blob(t, dir, d), &m)
	if m.MediaType != v1.MediaTypeImageManifest || m.Config.MediaType != v1.MediaTypeImageConfig ||
		len(m.Layers) != 1 || m.Layers[0].MediaType != v1.MediaTypeImageLayerGzip {
		t.Errorf("manifest: %+v", m)
	}
	var c v1.Image
	decode(t, blob(t, dir, m.Config), &c)
	blob(t, dir, m.Layers[0])
	if c.Architecture != d.Platform.Architecture || c.OS != "linux" || c.Variant != d.Platform.Variant ||
		c.Created.Unix() != 1700000000 || !slices.Equal(c.Config.Cmd, []string{cmd}) ||
		!slices.Equal(c.Config.Env, []string{defaultPath}) || len(c.RootFS.DiffIDs) != 1 ||
		len(c.History) != 1 || c.History[0].CreatedBy != "cairn" || !c.History[0].Created.Equal(*c.Created) {
		t.Errorf("config: %+v", c)
	}
	if s := string(blob(t, dir, m.Config)); !strings.Contains(s, `"created":"2023-11-14T22:13:20Z"`) {
		t.Errorf("created is not RFC 3339 UTC: %s", s)
	}
}

// checkSBOM checks the artifact manifest attaching the SBOM to image.
func checkSBOM(t *testing.T, dir string, d, image v1.Descriptor) {
	var m v1.Manifest
	decode(t, blob(t, dir, d), &m)
	if d.ArtifactType != mediaTypeSPDX || m.ArtifactType != mediaTypeSPDX || d.Platform != nil || d.Annotations != nil {
		t.Errorf("SBOM descriptor %+v, manifest %+v", d, m)
	}
	if m.Config.MediaType != v1.MediaTypeEmptyJSON || string(blob(t, dir, m.Config)) != "{}" {
		t.Errorf("SBOM config %+v", m.Config)
	}
	if len(m.Layers) != 1 || m.Layers[0].MediaType != mediaTypeSPDX || string(blob(t, dir, m.Layers[0])) != testSBOM {
		t.Errorf("SBOM layers %+v", m.Layers)
	}
	if m.Subject == nil || m.Subject.Digest != image.Digest || m.Subject.Size != image.Size ||
		m.Subject.MediaType != image.MediaType || m.Subject.Platform != nil {
		t.Errorf("SBOM subject %+v, want %s", m.Subject, image.Digest)
	}
}

func TestSinglePlatformWithoutExtras(t *testing.T) {
	testutil.NeedRoot(t)
	dir := filepath.Join(t.TempDir(), "layout")
	testutil.Must(t, Write(dir, []Image{{Platform{OS: "linux", Architecture: "amd64"}, rootfs(t, true)}}, Options{}))
	idx := readIndex(t, dir)
	if len(idx.Manifests) != 1 || idx.Manifests[0].Annotations != nil || idx.Manifests[0].Platform == nil {
		t.Errorf("index: %+v", idx)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "index.json"))
	testutil.Must(t, err)
	if bytes.Contains(raw, []byte("variant")) || bytes.Contains(raw, []byte("annotations")) {
		t.Errorf("empty fields written: %s", raw)
	}
}

func TestWriteErrors(t *testing.T) {
	root := rootfs(t, false)
	amd64 := Image{Platform{OS: "linux", Architecture: "amd64"}, root}
	full := t.TempDir()
	testutil.Must(t, os.WriteFile(filepath.Join(full, "x"), nil, 0o644))
	for name, tc := range map[string]struct {
		dir    string
		images []Image
		opts   Options
	}{
		"no images":          {"", nil, Options{}},
		"duplicate platform": {"", []Image{amd64, amd64}, Options{}},
		"bad ref":            {"", []Image{amd64}, Options{Ref: "-bad"}},
		"bad sbom":           {"", []Image{amd64}, Options{SBOM: []byte("{")}},
		"negative epoch":     {"", []Image{amd64}, Options{Epoch: -1}},
		"not empty":          {full, []Image{amd64}, Options{}},
		"missing rootfs":     {"", []Image{{amd64.Platform, filepath.Join(root, "nope")}}, Options{}},
	} {
		dir := tc.dir
		if dir == "" {
			dir = filepath.Join(t.TempDir(), "layout")
		}
		err := Write(dir, tc.images, tc.opts)
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		if _, statErr := os.Stat(filepath.Join(dir, "index.json")); statErr == nil {
			t.Errorf("%s: index.json written", name)
		}
	}
}

func TestPlatformCheck(t *testing.T) {
	for p, want := range map[Platform]bool{
		{OS: "linux", Architecture: "amd64"}:                true,
		{OS: "linux", Architecture: "arm64", Variant: "v8"}: true,
		{OS: "linux"}:                                         false,
		{OS: "Linux", Architecture: "amd64"}:                  false,
		{OS: "linux", Architecture: "arm/v7"}:                 false,
		{OS: "linux", Architecture: "amd64", Variant: "v1/x"}: false,
		{OS: "linux", Architecture: "", Variant: "v7"}:        false,
	} {
		if err := p.check(); (err == nil) != want {
			t.Errorf("%+v: %v, want valid %v", p, err, want)
		}
	}
}

func TestRefNames(t *testing.T) {
	for ref, want := range map[string]bool{
		"latest": true, "cairn/test:1.0": true, "a--b": true, "example.com/x/y:v1_2+b@c": true,
		"": false, "-a": false, "a-": false, "a---b": false, "a//b": false, "a b": false, "a/:b": false,
	} {
		if got := validRefName(ref); got != want {
			t.Errorf("validRefName(%q) = %v", ref, got)
		}
	}
}

func TestIsFileInRoot(t *testing.T) {
	root := t.TempDir()
	p := func(rel string) string { return filepath.Join(root, rel) }
	testutil.Must(t, os.MkdirAll(p("usr/bin"), 0o755))
	testutil.Must(t, os.WriteFile(p("usr/bin/bash"), nil, 0o755))
	testutil.Must(t, os.Symlink("usr/bin", p("bin")))
	testutil.Must(t, os.Symlink("/usr/bin/bash", p("usr/bin/abs")))
	testutil.Must(t, os.Symlink("../../usr/bin/bash", p("usr/bin/rel")))
	testutil.Must(t, os.Symlink("loop", p("loop")))
	testutil.Must(t, os.Symlink("/../../../../../../etc/passwd", p("escape")))
	for name, want := range map[string]bool{
		"/bin/bash": true, "/bin/abs": true, "/bin/rel": true, "/bin/../bin/bash": true,
		"/bin": false, "/bin/sh": false, "/loop": false, "/escape": false, "/../usr/bin/bash": true,
	} {
		if got := isFileInRoot(root, name); got != want {
			t.Errorf("isFileInRoot(%q) = %v", name, got)
		}
	}
}
