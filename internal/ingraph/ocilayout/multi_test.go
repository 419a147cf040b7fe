package ocilayout

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// twoRef is the reference name writeTwo gives.
const twoRef = "cairn/test:1.0"

// inspected is what the tests read from "skopeo inspect".
type inspected struct {
	Digest, Architecture, Os string
	Layers                   []string
}

// layerOf returns the digest of the one layer of the manifest d.
func layerOf(t *testing.T, dir string, d v1.Descriptor) string {
	t.Helper()
	var m v1.Manifest
	testutil.Must(t, json.Unmarshal(blob(t, dir, d), &m))
	return string(m.Layers[0].Digest)
}

func TestSkopeoMultiPlatform(t *testing.T) {
	testutil.NeedRoot(t)
	testutil.NeedTool(t, "skopeo")
	dir := writeTwo(t, rootfs(t, true), rootfs(t, false))
	top, nested := platformIndex(t, dir)
	for _, ref := range []string{"oci:" + dir + ":" + twoRef, "oci:" + dir} {
		for i, arch := range []string{"amd64", "arm64"} {
			var got inspected
			testutil.Must(t, json.Unmarshal(run(t, "skopeo", "--override-os", "linux", "--override-arch", arch,
				"--override-variant", nested.Manifests[i].Platform.Variant, "inspect", ref), &got))
			if got.Digest != string(top.Digest) || got.Architecture != arch || got.Os != "linux" ||
				!slices.Equal(got.Layers, []string{layerOf(t, dir, nested.Manifests[i])}) {
				t.Errorf("skopeo inspect %s for %s: %+v", ref, arch, got)
			}
		}
		if raw := run(t, "skopeo", "inspect", "--raw", ref); !bytes.Equal(raw, blob(t, dir, top)) {
			t.Errorf("skopeo inspect --raw %s is not the nested index:\n%s", ref, raw)
		}
	}
	other := filepath.Join(t.TempDir(), "copy")
	run(t, "skopeo", "copy", "-q", "--all", "oci:"+dir+":"+twoRef, "oci:"+other+":"+twoRef)
	checkCopied(t, other, nested)
}

// checkCopied checks that the layout at dir holds, under twoRef, an
// index listing every manifest of want, with its platform and all its
// blobs. The copy's JSON is the copying tool's, so it is not checked
// for canonical form.
func checkCopied(t *testing.T, dir string, want v1.Index) {
	t.Helper()
	var idx v1.Index
	data, err := os.ReadFile(filepath.Join(dir, "index.json"))
	testutil.Must(t, err)
	testutil.Must(t, json.Unmarshal(data, &idx))
	i := slices.IndexFunc(idx.Manifests, func(d v1.Descriptor) bool { return d.Annotations[v1.AnnotationRefName] == twoRef })
	if i < 0 || idx.Manifests[i].MediaType != v1.MediaTypeImageIndex {
		t.Fatalf("copy's index.json has no image index named %s: %s", twoRef, data)
	}
	var nested v1.Index
	testutil.Must(t, json.Unmarshal(blob(t, dir, idx.Manifests[i]), &nested))
	got := make(map[string]v1.Descriptor)
	for _, d := range nested.Manifests {
		got[string(d.Digest)] = d
	}
	for _, w := range want.Manifests {
		g, ok := got[string(w.Digest)]
		if !ok || !platformsEqual(g.Platform, w.Platform) {
			t.Errorf("manifest %s (platform %+v) did not arrive: %+v", w.Digest, w.Platform, nested.Manifests)
			continue
		}
		var m v1.Manifest
		testutil.Must(t, json.Unmarshal(blob(t, dir, g), &m))
		for _, b := range append(m.Layers, m.Config) {
			blob(t, dir, b)
		}
	}
}

// platformsEqual compares two optional platforms.
func platformsEqual(a, b *v1.Platform) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.OS == b.OS && a.Architecture == b.Architecture && a.Variant == b.Variant
}

func TestUmociMultiPlatform(t *testing.T) {
	testutil.NeedRoot(t)
	testutil.NeedTool(t, "umoci")
	srcs := []string{rootfs(t, true), rootfs(t, false)}
	dir := writeTwo(t, srcs[0], srcs[1])
	if got := string(run(t, "umoci", "ls", "--layout", dir)); got != twoRef+"\n" {
		t.Errorf("umoci ls: %q", got)
	}
	// Garbage collection keeps what index.json reaches: the nested
	// index, the images and the SBOM artifacts.
	before := files(t, dir)
	run(t, "umoci", "gc", "--layout", dir)
	if after := files(t, dir); !maps.Equal(before, after) {
		t.Errorf("umoci gc changed the layout: %d files before, %d after", len(before), len(after))
	}
	out := filepath.Join(t.TempDir(), "bundle")
	msg, err := exec.Command("umoci", "raw", "unpack", "--image", dir+":"+twoRef, out).CombinedOutput()
	if err != nil && strings.Contains(string(msg), "ambiguous") {
		t.Logf("this umoci cannot choose a platform from a nested index: %s", msg)
		return
	}
	testutil.Must(t, err)
	if _, err := os.Stat(filepath.Join(out, "usr/bin/sh")); err != nil {
		t.Errorf("umoci unpacked no root file system: %v", err)
	}
}

func TestLayerKeepsCapabilities(t *testing.T) {
	testutil.NeedRoot(t)
	testutil.NeedTool(t, "setcap")
	testutil.NeedTool(t, "getcap")
	src := rootfs(t, true)
	run(t, "setcap", "cap_net_raw+ep", filepath.Join(src, "usr/bin/sh"))
	dir := filepath.Join(t.TempDir(), "layout")
	testutil.Must(t, Write(dir, []Image{{Platform{OS: "linux", Architecture: "amd64"}, src}}, Options{Ref: "x"}))
	idx := readIndex(t, dir)
	layer := filepath.Join(dir, "blobs", "sha256", strings.TrimPrefix(layerOf(t, dir, idx.Manifests[0]), "sha256:"))
	out := t.TempDir()
	run(t, "tar", "--xattrs", "--xattrs-include=*", "-xzpf", layer, "-C", out)
	if got := string(run(t, "getcap", filepath.Join(out, "usr/bin/sh"))); !strings.HasSuffix(got, " cap_net_raw=ep\n") {
		t.Errorf("getcap after GNU tar: %q", got)
	}
	if _, err := exec.LookPath("umoci"); err != nil {
		return
	}
	bundle := filepath.Join(t.TempDir(), "bundle")
	run(t, "umoci", "raw", "unpack", "--image", dir+":x", bundle)
	if got := string(run(t, "getcap", filepath.Join(bundle, "usr/bin/sh"))); !strings.HasSuffix(got, " cap_net_raw=ep\n") {
		t.Errorf("getcap after umoci unpack: %q", got)
	}
}
