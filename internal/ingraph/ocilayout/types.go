package ocilayout

// Media types and other constants of image-spec v1.1.
const (
	mediaTypeIndex    = "application/vnd.oci.image.index.v1+json"
	mediaTypeManifest = "application/vnd.oci.image.manifest.v1+json"
	mediaTypeConfig   = "application/vnd.oci.image.config.v1+json"
	mediaTypeLayer    = "application/vnd.oci.image.layer.v1.tar+gzip"
	mediaTypeEmpty    = "application/vnd.oci.empty.v1+json"
	mediaTypeSPDX     = "application/spdx+json"
	mediaTypeInToto   = "application/vnd.in-toto+json"

	// annotationRefName names an image in index.json.
	annotationRefName = "org.opencontainers.image.ref.name"
	// layoutVersion is the content of the oci-layout file.
	layoutVersion = `{"imageLayoutVersion":"1.0.0"}`
	// emptyJSON is the content of the empty descriptor's blob.
	emptyJSON = "{}"
)

// The structs below are the JSON documents written. Their fields are in
// the sorted order of their JSON keys, so encoding/json writes sorted
// keys; maps are sorted by encoding/json itself.

// descriptor points at a blob.
type descriptor struct {
	Annotations  map[string]string `json:"annotations,omitempty"`
	ArtifactType string            `json:"artifactType,omitempty"`
	Digest       string            `json:"digest"`
	MediaType    string            `json:"mediaType"`
	Platform     *Platform         `json:"platform,omitempty"`
	Size         int64             `json:"size"`
}

// manifest is an image or artifact manifest.
type manifest struct {
	ArtifactType  string       `json:"artifactType,omitempty"`
	Config        descriptor   `json:"config"`
	Layers        []descriptor `json:"layers"`
	MediaType     string       `json:"mediaType"`
	SchemaVersion int          `json:"schemaVersion"`
	Subject       *descriptor  `json:"subject,omitempty"`
}

// index is index.json.
type index struct {
	Manifests     []descriptor `json:"manifests"`
	MediaType     string       `json:"mediaType"`
	SchemaVersion int          `json:"schemaVersion"`
}

// imageConfig is an image configuration.
type imageConfig struct {
	Architecture string    `json:"architecture"`
	Config       Config    `json:"config"`
	Created      string    `json:"created"`
	History      []history `json:"history"`
	OS           string    `json:"os"`
	RootFS       rootFS    `json:"rootfs"`
	Variant      string    `json:"variant,omitempty"`
}

// Config is the part of an image's configuration a runtime uses.
type Config struct {
	// Cmd is the command, or the arguments to Entrypoint.
	Cmd []string `json:"Cmd,omitempty"`
	// Entrypoint is the program run, when set.
	Entrypoint []string `json:"Entrypoint,omitempty"`
	// Env holds the environment, NAME=VALUE.
	Env []string `json:"Env,omitempty"`
	// ExposedPorts are the ports the image listens on ("8080/tcp").
	ExposedPorts map[string]struct{} `json:"ExposedPorts,omitempty"`
	// Labels annotate the image (BuildKit reads a frontend's
	// capabilities from them).
	Labels map[string]string `json:"Labels,omitempty"`
	// User runs the process: a name or UID, with an optional :group.
	User string `json:"User,omitempty"`
	// WorkingDir is the process's working directory.
	WorkingDir string `json:"WorkingDir,omitempty"`
}

// history describes how the one layer was made.
type history struct {
	Created   string `json:"created"`
	CreatedBy string `json:"created_by"`
}

// rootFS lists the uncompressed layer digests.
type rootFS struct {
	DiffIDs []string `json:"diff_ids"`
	Type    string   `json:"type"`
}

// statement is an in-toto Statement v1 (the provenance's predicate is
// written as given).
type statement struct {
	Type          string             `json:"_type"`
	Predicate     any                `json:"predicate"`
	PredicateType string             `json:"predicateType"`
	Subject       []statementSubject `json:"subject"`
}

// statementSubject names an image manifest by its digest.
type statementSubject struct {
	Digest map[string]string `json:"digest"`
	Name   string            `json:"name"`
}
