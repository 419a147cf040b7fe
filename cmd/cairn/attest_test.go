package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	provv1 "github.com/in-toto/attestation/go/predicates/provenance/v1"
	intoto "github.com/in-toto/attestation/go/v1"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdxlib"
	"google.golang.org/protobuf/encoding/protojson"
)

// checkAttestations reads a target's SBOM and provenance with the SPDX
// project's tools (github.com/spdx/tools-golang) and the in-toto
// attestation framework's validators for Statement v1 and SLSA Provenance
// v1, and checks them against the output: every regular file is a subject
// with its SHA-256, and the SBOM's Debian packages are exactly want
// ("name=version:arch", sorted).
func checkAttestations(t *testing.T, out, target string, want []string) {
	t.Helper()
	data := readFile(t, filepath.Join(out, target+".spdx.json"))
	doc, err := spdxjson.Read(strings.NewReader(data))
	if err != nil {
		t.Fatalf("%s.spdx.json: %v", target, err)
	}
	if err := spdxlib.ValidateDocument(doc); err != nil {
		t.Errorf("%s.spdx.json: %v", target, err)
	}
	var got []string
	for _, p := range doc.Packages {
		for _, r := range p.PackageExternalReferences {
			if r.RefType == "purl" && strings.HasPrefix(r.Locator, "pkg:deb/") {
				arch := r.Locator[strings.Index(r.Locator, "arch=")+5:]
				arch = arch[:strings.IndexByte(arch+"&", '&')]
				got = append(got, p.PackageName+"="+p.PackageVersion+":"+arch)
			}
		}
	}
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("%s.spdx.json lists other packages than the output holds:\n got %v\nwant %v", target, got, want)
	}
	files := treeSums(t, filepath.Join(out, target))
	if len(doc.Files) != len(files) {
		t.Errorf("%s.spdx.json lists %d files, the output has %d", target, len(doc.Files), len(files))
	}
	var st intoto.Statement
	if err := protojson.Unmarshal([]byte(readFile(t, filepath.Join(out, target+".provenance.json"))), &st); err != nil {
		t.Fatalf("%s.provenance.json: %v", target, err)
	}
	if err := st.Validate(); err != nil {
		t.Errorf("%s.provenance.json: %v", target, err)
	}
	subjects := map[string]string{}
	for _, s := range st.GetSubject() {
		subjects[s.GetName()] = s.GetDigest()["sha256"]
	}
	for p, sum := range files {
		if subjects[p] != sum {
			t.Errorf("%s.provenance.json: subject %s has sha256 %q, the file %s", target, p, subjects[p], sum)
		}
	}
	var prov provv1.Provenance
	pj, _ := protojson.Marshal(st.GetPredicate())
	if err := protojson.Unmarshal(pj, &prov); err != nil {
		t.Fatalf("%s.provenance.json predicate: %v", target, err)
	}
	if err := prov.Validate(); err != nil {
		t.Errorf("%s.provenance.json predicate: %v", target, err)
	}
	deps := prov.GetBuildDefinition().GetResolvedDependencies()
	if len(deps) < len(want) {
		t.Errorf("%s.provenance.json: %d resolved dependencies for %d packages", target, len(deps), len(want))
	}
	if st.GetPredicateType() != "https://slsa.dev/provenance/v1" || !bytes.Contains(pj, []byte(`"target":"`+target+`"`)) {
		t.Errorf("%s.provenance.json: predicate %s: %s", target, st.GetPredicateType(), clip(string(pj)))
	}
	if _, err := os.Stat(filepath.Join(out, target+".cairn.json")); err != nil {
		t.Error(err)
	}
}

// checkImageProvenance finds the provenance statements attached to the
// images of an OCI layout (artifact manifests of type
// application/vnd.in-toto+json inside its nested index), one per image,
// and checks each with the in-toto validators: its subject is its
// image's manifest, and it resolves Debian packages by digest.
func checkImageProvenance(t *testing.T, layout string, images int) {
	t.Helper()
	type desc struct {
		MediaType, Digest, ArtifactType string
	}
	var idx, nested struct{ Manifests []desc }
	var m struct {
		Subject *desc
		Layers  []desc
	}
	blob := func(d desc, v any) []byte {
		data := []byte(readFile(t, filepath.Join(layout, "blobs", "sha256", strings.TrimPrefix(d.Digest, "sha256:"))))
		if v != nil {
			if err := json.Unmarshal(data, v); err != nil {
				t.Fatal(err)
			}
		}
		return data
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(layout, "index.json"))), &idx); err != nil || len(idx.Manifests) != 1 {
		t.Fatalf("index.json: %v %+v", err, idx)
	}
	blob(idx.Manifests[0], &nested)
	imageDigests := map[string]bool{}
	for _, d := range nested.Manifests[:images] {
		imageDigests[d.Digest] = true
	}
	n := 0
	for _, d := range nested.Manifests {
		if d.ArtifactType != "application/vnd.in-toto+json" {
			continue
		}
		n++
		blob(d, &m)
		if m.Subject == nil || !imageDigests[m.Subject.Digest] || len(m.Layers) != 1 {
			t.Fatalf("provenance artifact %s: %+v", d.Digest, m)
		}
		var st intoto.Statement
		if err := protojson.Unmarshal(blob(m.Layers[0], nil), &st); err != nil {
			t.Fatal(err)
		}
		if err := st.Validate(); err != nil {
			t.Errorf("image provenance: %v", err)
		}
		if len(st.Subject) != 1 || "sha256:"+st.Subject[0].Digest["sha256"] != m.Subject.Digest {
			t.Errorf("image provenance subject %v, want %s", st.Subject, m.Subject.Digest)
		}
		pj, _ := protojson.Marshal(st.Predicate)
		var prov provv1.Provenance
		if err := protojson.Unmarshal(pj, &prov); err != nil {
			t.Fatal(err)
		}
		if err := prov.Validate(); err != nil {
			t.Errorf("image provenance predicate: %v", err)
		}
		debs := 0
		for _, r := range prov.GetBuildDefinition().GetResolvedDependencies() {
			if strings.HasPrefix(r.GetUri(), "pkg:deb/") && len(r.GetDigest()["sha256"]) == 64 {
				debs++
			}
		}
		if debs == 0 {
			t.Errorf("image provenance resolves no Debian package")
		}
	}
	if n != images {
		t.Errorf("%d provenance statements attached, want %d", n, images)
	}
}
