package stdlib

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
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
	Relationships     []spdxRelation `json:"relationships"`
}

type spdxCreation struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

type spdxPackage struct {
	SPDXID           string         `json:"SPDXID"`
	Name             string         `json:"name"`
	VersionInfo      string         `json:"versionInfo"`
	Supplier         string         `json:"supplier"`
	DownloadLocation string         `json:"downloadLocation"`
	FilesAnalyzed    bool           `json:"filesAnalyzed"`
	PackageFileName  string         `json:"packageFileName"`
	Checksums        []spdxChecksum `json:"checksums"`
	ExternalRefs     []spdxRef      `json:"externalRefs"`
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

var spdxIDUnsafe = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// spdxSBOM lists the packages of one or more package sets (one per
// platform). Its namespace and timestamp derive from the content and
// SOURCE_DATE_EPOCH, so the same packages give the same document.
func spdxSBOM(name string, ep epoch.Epoch, sets []*pkgs.Set) ([]byte, error) {
	doc := spdxDoc{
		SPDXVersion: "SPDX-2.3", DataLicense: "CC0-1.0", SPDXID: "SPDXRef-DOCUMENT", Name: name,
		CreationInfo: spdxCreation{Created: ep.Time().Format(time.RFC3339), Creators: []string{"Tool: cairn"}},
		Packages:     []spdxPackage{}, Relationships: []spdxRelation{},
	}
	seen := map[string]bool{}
	for _, s := range sets {
		for _, p := range byName(s.Packages) {
			id := "SPDXRef-Package-" + spdxIDUnsafe.ReplaceAllString(p.Name+"-"+p.Arch+"-"+p.Version, "-")
			if seen[id] {
				continue
			}
			seen[id] = true
			doc.Packages = append(doc.Packages, spdxPackageOf(id, p))
			doc.Relationships = append(doc.Relationships, spdxRelation{"SPDXRef-DOCUMENT", "DESCRIBES", id})
		}
	}
	body, err := json.Marshal(doc.Packages)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append([]byte(name+"\n"), body...))
	doc.DocumentNamespace = fmt.Sprintf("urn:cairn:sbom:%x", sum)
	return json.MarshalIndent(doc, "", "  ")
}

func spdxPackageOf(id string, p pkgs.Locked) spdxPackage {
	purl := fmt.Sprintf("pkg:deb/%s/%s@%s?arch=%s&distro=%s", url.PathEscape(p.Repo), url.PathEscape(p.Name),
		url.PathEscape(p.Version), url.QueryEscape(p.Arch), url.QueryEscape(p.Suite))
	return spdxPackage{
		SPDXID: id, Name: p.Name, VersionInfo: p.Version, Supplier: "NOASSERTION",
		DownloadLocation: "NOASSERTION", PackageFileName: p.Filename,
		Checksums:    []spdxChecksum{{"SHA256", p.SHA256}},
		ExternalRefs: []spdxRef{{"PACKAGE-MANAGER", "purl", purl}},
	}
}
