package attest

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/pkgs"
)

// SPDX 2.3 JSON, the fields cairn fills. Struct order is field order, so
// the document is stable byte for byte.
type spdxDoc struct {
	SPDXVersion       string         `json:"spdxVersion"`
	DataLicense       string         `json:"dataLicense"`
	SPDXID            string         `json:"SPDXID"`
	Name              string         `json:"name"`
	DocumentNamespace string         `json:"documentNamespace"`
	CreationInfo      spdxCreation   `json:"creationInfo"`
	Packages          []spdxPackage  `json:"packages"`
	Files             []spdxFile     `json:"files,omitempty"`
	Relationships     []spdxRelation `json:"relationships"`
}

type spdxCreation struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

type spdxPackage struct {
	SPDXID           string         `json:"SPDXID"`
	Name             string         `json:"name"`
	VersionInfo      string         `json:"versionInfo,omitempty"`
	Supplier         string         `json:"supplier"`
	DownloadLocation string         `json:"downloadLocation"`
	FilesAnalyzed    bool           `json:"filesAnalyzed"`
	PackageFileName  string         `json:"packageFileName,omitempty"`
	Checksums        []spdxChecksum `json:"checksums,omitempty"`
	Comment          string         `json:"comment,omitempty"`
	ExternalRefs     []spdxRef      `json:"externalRefs,omitempty"`
}

type spdxFile struct {
	SPDXID    string         `json:"SPDXID"`
	FileName  string         `json:"fileName"`
	Checksums []spdxChecksum `json:"checksums"`
}

type spdxChecksum struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"checksumValue"`
}

type spdxRef struct {
	Category string `json:"referenceCategory"`
	Type     string `json:"referenceType"`
	Locator  string `json:"referenceLocator"`
}

type spdxRelation struct {
	Element string `json:"spdxElementId"`
	Type    string `json:"relationshipType"`
	Related string `json:"relatedSpdxElement"`
}

// outputID is the package standing for the output the document describes.
const outputID = "SPDXRef-Output"

var spdxIDUnsafe = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// SPDX is the SBOM of an output called name: the document describes one
// package, the output, which CONTAINS the bill's packages and the files
// given (an output's regular files, by SHA-256), and DEPENDS_ON what the
// recipe built for it. Build tools are left to the provenance. The
// namespace and timestamp derive from the content and SOURCE_DATE_EPOCH.
func SPDX(name string, ep epoch.Epoch, b *Bill, files []File) ([]byte, error) {
	b = Merge(b)
	doc := spdxDoc{
		SPDXVersion: "SPDX-2.3", DataLicense: "CC0-1.0", SPDXID: "SPDXRef-DOCUMENT", Name: name,
		CreationInfo: spdxCreation{Created: ep.Time().Format(time.RFC3339), Creators: []string{"Tool: cairn"}},
		Packages: []spdxPackage{{SPDXID: outputID, Name: name, Supplier: "NOASSERTION", DownloadLocation: "NOASSERTION",
			Comment: "the output cairn built"}},
		Relationships: []spdxRelation{{"SPDXRef-DOCUMENT", "DESCRIBES", outputID}},
	}
	for _, p := range b.Packages {
		id := "SPDXRef-Package-" + spdxIDUnsafe.ReplaceAllString(p.Name+"-"+p.Arch+"-"+p.Version, "-")
		doc.Packages = append(doc.Packages, packageOf(id, p))
		doc.Relationships = append(doc.Relationships, spdxRelation{outputID, "CONTAINS", id})
	}
	for i, x := range b.Built {
		id := "SPDXRef-Built-" + strconv.Itoa(i+1)
		doc.Packages = append(doc.Packages, spdxPackage{SPDXID: id, Name: x.Name, Supplier: "NOASSERTION",
			DownloadLocation: "NOASSERTION", Comment: fmt.Sprintf("%s built by the recipe at %s%s", x.Kind, x.At, prefixed("; ", x.Comment))})
		doc.Relationships = append(doc.Relationships, spdxRelation{outputID, "DEPENDS_ON", id})
	}
	for i, f := range sortedFiles(files) {
		id := "SPDXRef-File-" + strconv.Itoa(i+1)
		doc.Files = append(doc.Files, spdxFile{SPDXID: id, FileName: "./" + f.Path, Checksums: []spdxChecksum{{"SHA256", f.SHA256}}})
		doc.Relationships = append(doc.Relationships, spdxRelation{outputID, "CONTAINS", id})
	}
	body, err := json.Marshal([]any{doc.Packages, doc.Files})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append([]byte(name+"\n"), body...))
	doc.DocumentNamespace = fmt.Sprintf("urn:cairn:sbom:%x", sum)
	out, err := json.MarshalIndent(doc, "", "  ")
	return append(out, '\n'), err
}

func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}

func packageOf(id string, p pkgs.Locked) spdxPackage {
	return spdxPackage{
		SPDXID: id, Name: p.Name, VersionInfo: p.Version, Supplier: "NOASSERTION",
		DownloadLocation: "NOASSERTION", PackageFileName: p.Filename,
		Checksums:    []spdxChecksum{{"SHA256", p.SHA256}},
		ExternalRefs: []spdxRef{{"PACKAGE-MANAGER", "purl", Purl(p)}},
	}
}

// Purl is a Debian package's package URL: pkg:deb/REPO/NAME@VERSION with
// its architecture and suite.
func Purl(p pkgs.Locked) string {
	return fmt.Sprintf("pkg:deb/%s/%s@%s?arch=%s&distro=%s", url.PathEscape(p.Repo), url.PathEscape(p.Name),
		url.PathEscape(p.Version), url.QueryEscape(p.Arch), url.QueryEscape(p.Suite))
}
