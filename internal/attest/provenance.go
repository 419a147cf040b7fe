package attest

import (
	"encoding/json"
	"fmt"
	"github.com/cairn-build/cairn/internal/pkgs"
	"sort"
)

// Types of the documents, as in-toto and SLSA name them.
const (
	StatementType     = "https://in-toto.io/Statement/v1"
	ProvenanceType    = "https://slsa.dev/provenance/v1"
	SPDXPredicateType = "https://spdx.dev/Document"
	BuildType         = "https://github.com/cairn-build/cairn/blob/main/docs/provenance.md#v1"
	BuilderID         = "https://github.com/cairn-build/cairn"
)

// Run is what the provenance says beside the bill: what was asked and by
// which builder.
type Run struct {
	// Target is the recipe target built; Platforms those asked for.
	Target    string
	Platforms []string
	// Recipe and Lock are project files, by path and SHA-256 (Lock empty
	// when the project has no cairn.lock).
	Recipe, RecipeSHA256 string
	Lock, LockSHA256     string
	Epoch                int64
	// Versions are the builder's components: cairn, buildkit, helper.
	Versions map[string]string
}

type statement struct {
	Type          string     `json:"_type"`
	Subject       []resource `json:"subject"`
	PredicateType string     `json:"predicateType"`
	Predicate     any        `json:"predicate"`
}

type resource struct {
	Name   string            `json:"name,omitempty"`
	URI    string            `json:"uri,omitempty"`
	Digest map[string]string `json:"digest"`
}

type provenance struct {
	BuildDefinition struct {
		BuildType            string         `json:"buildType"`
		ExternalParameters   map[string]any `json:"externalParameters"`
		ResolvedDependencies []resource     `json:"resolvedDependencies"`
	} `json:"buildDefinition"`
	RunDetails struct {
		Builder struct {
			ID      string            `json:"id"`
			Version map[string]string `json:"version,omitempty"`
		} `json:"builder"`
	} `json:"runDetails"`
}

// Provenance is the SLSA v1 provenance of an output whose regular files
// are files: an in-toto Statement v1 with one subject per file. The
// resolved dependencies are every package (tools included), git commit
// and http file the bill lists. It holds no time and no invocation ID:
// the same build gives the same bytes.
func Provenance(r Run, b *Bill, files []File) ([]byte, error) {
	ext := map[string]any{
		"target":            r.Target,
		"recipe":            resource{URI: r.Recipe, Digest: map[string]string{"sha256": r.RecipeSHA256}},
		"source_date_epoch": r.Epoch,
	}
	if len(r.Platforms) > 0 {
		ext["platforms"] = r.Platforms
	}
	if r.Lock != "" {
		ext["lock"] = resource{URI: r.Lock, Digest: map[string]string{"sha256": r.LockSHA256}}
	}
	st := statement{Type: StatementType, Subject: []resource{}, PredicateType: ProvenanceType, Predicate: predicate(ext, b, r.Versions)}
	for _, f := range sortedFiles(files) {
		st.Subject = append(st.Subject, resource{Name: f.Path, Digest: map[string]string{"sha256": f.SHA256}})
	}
	out, err := json.MarshalIndent(st, "", "  ")
	return append(out, '\n'), err
}

// Predicate is a SLSA v1 provenance predicate alone, for a statement
// written where its subjects are known (an OCI image's manifests, inside
// the graph): ext are its external parameters, versions the builder's.
func Predicate(ext map[string]any, b *Bill, versions map[string]string) ([]byte, error) {
	return json.Marshal(predicate(ext, b, versions))
}

func predicate(ext map[string]any, b *Bill, versions map[string]string) provenance {
	var p provenance
	p.BuildDefinition.BuildType = BuildType
	p.BuildDefinition.ExternalParameters = ext
	p.BuildDefinition.ResolvedDependencies = dependencies(Merge(b))
	p.RunDetails.Builder.ID, p.RunDetails.Builder.Version = BuilderID, versions
	return p
}

func dependencies(b *Bill) []resource {
	deps := []resource{}
	for _, l := range [][]pkgs.Locked{b.Packages, b.Tools} {
		for _, p := range l {
			deps = append(deps, resource{Name: p.Filename, URI: Purl(p), Digest: map[string]string{"sha256": p.SHA256}})
		}
	}
	for _, s := range b.Sources {
		deps = append(deps, resource{URI: s.URI, Digest: s.Digest})
	}
	return unique(deps, func(r resource) string { return r.URI + "\x00" + digestKey(r.Digest) })
}

func sortedFiles(files []File) []File {
	out := append([]File(nil), files...)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// SBOMStatement wraps an SPDX document in an in-toto Statement v1 whose
// subjects are the output's files, so that it can be signed (DSSE) and
// checked against the output as the provenance is.
func SBOMStatement(sbom []byte, files []File) ([]byte, error) {
	if !json.Valid(sbom) {
		return nil, fmt.Errorf("the SBOM is not JSON")
	}
	st := statement{Type: StatementType, Subject: []resource{}, PredicateType: SPDXPredicateType, Predicate: json.RawMessage(sbom)}
	for _, f := range sortedFiles(files) {
		st.Subject = append(st.Subject, resource{Name: f.Path, Digest: map[string]string{"sha256": f.SHA256}})
	}
	out, err := json.Marshal(st)
	return append(out, '\n'), err
}
