package ocilayout

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
	intoto "github.com/in-toto/attestation/go/v1"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

const testPredicate = `{"buildDefinition":{"buildType":"https://example.test/v1","externalParameters":{},"resolvedDependencies":[]},"runDetails":{"builder":{"id":"https://example.test"}}}`

// TestProvenanceAttached: each image of a two-platform layout gets an
// artifact manifest after the SBOMs, its one layer an in-toto statement
// (valid by the in-toto framework's own validator) whose subject is that
// image's manifest, by name@platform and digest, with the predicate as
// given.
func TestProvenanceAttached(t *testing.T) {
	testutil.NeedRoot(t)
	dir := filepath.Join(t.TempDir(), "layout")
	images := []Image{
		{Platform{OS: "linux", Architecture: "amd64"}, rootfs(t, true)},
		{Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}, rootfs(t, false)},
	}
	testutil.Must(t, Write(dir, images, Options{Epoch: 1, Ref: "cairn/test:1.0", SBOM: []byte(testSBOM), Provenance: []byte(testPredicate)}))
	_, nested := platformIndex(t, dir)
	if len(nested.Manifests) != 6 {
		t.Fatalf("nested index has %d entries, want 2 images, 2 SBOMs, 2 provenance statements", len(nested.Manifests))
	}
	for i := range 2 {
		img, d := nested.Manifests[i], nested.Manifests[4+i]
		var m v1.Manifest
		decode(t, blob(t, dir, d), &m)
		if d.ArtifactType != mediaTypeInToto || m.ArtifactType != mediaTypeInToto || m.Subject == nil || m.Subject.Digest != img.Digest ||
			len(m.Layers) != 1 || m.Layers[0].MediaType != mediaTypeInToto {
			t.Fatalf("provenance artifact %d: %+v", i, m)
		}
		data := blob(t, dir, m.Layers[0])
		var st intoto.Statement
		if err := protojson.Unmarshal(data, &st); err != nil {
			t.Fatal(err)
		}
		if err := st.Validate(); err != nil {
			t.Errorf("statement %d: %v", i, err)
		}
		want := "cairn/test:1.0@" + img.Platform.OS + "/" + img.Platform.Architecture
		if len(st.Subject) != 1 || !strings.HasPrefix(st.Subject[0].Name, want) || "sha256:"+st.Subject[0].Digest["sha256"] != string(img.Digest) ||
			st.PredicateType != "https://slsa.dev/provenance/v1" {
			t.Errorf("statement %d: %s", i, data)
		}
		if !strings.Contains(string(data), testPredicate) {
			t.Errorf("statement %d does not carry the predicate as given: %s", i, data)
		}
	}
	if err := Write(filepath.Join(t.TempDir(), "bad"), images[:1], Options{Provenance: []byte("{")}); err == nil {
		t.Error("a predicate that is not JSON was written")
	}
}
