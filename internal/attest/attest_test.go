package attest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/testutil"
	provv1 "github.com/in-toto/attestation/go/predicates/provenance/v1"
	intoto "github.com/in-toto/attestation/go/v1"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdxlib"
	"google.golang.org/protobuf/encoding/protojson"
)

const sumA = "2f8a2d4b1c5f8a2d4b1c5f8a2d4b1c5f8a2d4b1c5f8a2d4b1c5f8a2d4b1c5f8a"

func testBill() *Bill {
	hello := pkgs.Locked{Repo: "debian", Suite: "bookworm", Arch: "amd64", Name: "hello", Version: "2.10-3", Filename: "pool/main/h/hello/hello_2.10-3_amd64.deb", SHA256: sumA}
	libc := pkgs.Locked{Repo: "debian", Suite: "bookworm", Arch: "amd64", Name: "libc6", Version: "2.36-9+deb12u4", Filename: "pool/main/g/glibc/libc6_2.36-9+deb12u4_amd64.deb", SHA256: strings.Repeat("1", 64)}
	tool := pkgs.Locked{Repo: "debian", Suite: "bookworm", Arch: "amd64", Name: "e2fsprogs", Version: "1.47.0-2", Filename: "pool/main/e/e2fsprogs/e2fsprogs_1.47.0-2_amd64.deb", SHA256: strings.Repeat("2", 64)}
	return &Bill{
		Packages: []pkgs.Locked{libc, hello, hello}, // repeats are dropped
		Tools:    []pkgs.Locked{tool},
		Built:    []Built{{Kind: "kernel", Name: "linux", At: "cairn.star:12", Comment: "tinyconfig + virtio.config"}},
		Sources: []Source{
			{URI: "git+https://example.invalid/k.git@" + strings.Repeat("a", 40), Digest: map[string]string{"gitCommit": strings.Repeat("a", 40)}},
			{URI: "https://example.invalid/linux.tar.xz", Digest: map[string]string{"sha256": strings.Repeat("3", 64)}},
		},
	}
}

var testFiles = []File{{Path: "disk.img", SHA256: strings.Repeat("4", 64)}, {Path: "boot/vmlinuz", SHA256: strings.Repeat("5", 64)}}

// TestSPDXValidates reads the SBOM with the SPDX project's own Go tools
// (github.com/spdx/tools-golang) and checks what it lists.
func TestSPDXValidates(t *testing.T) {
	ep := epoch.Epoch(1700000000)
	doc, err := SPDX("disk", ep, testBill(), testFiles)
	testutil.Must(t, err)
	d, err := spdxjson.Read(bytes.NewReader(doc))
	testutil.Must(t, err)
	testutil.Must(t, spdxlib.ValidateDocument(d))
	if d.SPDXVersion != "SPDX-2.3" || d.CreationInfo.Created != "2023-11-14T22:13:20Z" {
		t.Errorf("version %s, created %s", d.SPDXVersion, d.CreationInfo.Created)
	}
	described, err := spdxlib.GetDescribedPackageIDs(d)
	testutil.Must(t, err)
	if len(described) != 1 || described[0] != "Output" {
		t.Errorf("described %v", described)
	}
	// the output, two Debian packages, the kernel; no build tools
	if len(d.Packages) != 4 || len(d.Files) != 2 {
		t.Fatalf("%d packages, %d files", len(d.Packages), len(d.Files))
	}
	hello := d.Packages[1]
	if hello.PackageName != "hello" || hello.PackageExternalReferences[0].Locator != "pkg:deb/debian/hello@2.10-3?arch=amd64&distro=bookworm" ||
		hello.PackageChecksums[0].Value != sumA {
		t.Errorf("hello: %+v", hello)
	}
	if d.Files[0].FileName != "./boot/vmlinuz" {
		t.Errorf("files not sorted: %s first", d.Files[0].FileName)
	}
	again, err := SPDX("disk", ep, testBill(), []File{testFiles[1], testFiles[0]})
	testutil.Must(t, err)
	if !bytes.Equal(doc, again) {
		t.Error("the same inputs gave another document")
	}
	other, _ := SPDX("disk", ep, testBill(), testFiles[:1])
	if string(namespace(other)) == string(namespace(doc)) {
		t.Error("another content kept the namespace")
	}
}

func namespace(doc []byte) []byte {
	i := bytes.Index(doc, []byte("urn:cairn:sbom:"))
	return doc[i : i+80]
}

// TestProvenanceValidates reads the statement with the in-toto
// attestation framework's Go bindings and runs their validators for
// Statement v1 and SLSA Provenance v1.
func TestProvenanceValidates(t *testing.T) {
	run := Run{Target: "disk", Platforms: []string{"linux/amd64"}, Recipe: "cairn.star", RecipeSHA256: strings.Repeat("6", 64),
		Lock: "cairn.lock", LockSHA256: strings.Repeat("7", 64), Epoch: 1700000000, Versions: map[string]string{"cairn": "dev"}}
	doc, err := Provenance(run, testBill(), testFiles)
	testutil.Must(t, err)
	var st intoto.Statement
	testutil.Must(t, protojson.Unmarshal(doc, &st))
	testutil.Must(t, st.Validate())
	if st.GetType() != StatementType || st.GetPredicateType() != ProvenanceType || len(st.GetSubject()) != 2 || st.GetSubject()[0].GetName() != "boot/vmlinuz" {
		t.Fatalf("statement %v", &st)
	}
	var p provv1.Provenance
	pj, err := protojson.Marshal(st.GetPredicate())
	testutil.Must(t, err)
	testutil.Must(t, protojson.Unmarshal(pj, &p))
	testutil.Must(t, p.Validate())
	deps := p.GetBuildDefinition().GetResolvedDependencies()
	// hello, libc6, e2fsprogs (a tool), the git commit, the tarball
	if len(deps) != 5 {
		t.Fatalf("%d resolved dependencies: %v", len(deps), deps)
	}
	ext := p.GetBuildDefinition().GetExternalParameters().AsMap()
	if ext["target"] != "disk" || ext["lock"].(map[string]any)["digest"].(map[string]any)["sha256"] != strings.Repeat("7", 64) {
		t.Errorf("external parameters %v", ext)
	}
	if p.GetRunDetails().GetBuilder().GetId() != BuilderID {
		t.Errorf("builder %v", p.GetRunDetails().GetBuilder())
	}
	again, _ := Provenance(run, testBill(), testFiles)
	if !bytes.Equal(doc, again) {
		t.Error("the same inputs gave another statement")
	}
}
