package request

import (
	"errors"

	"github.com/cairn-build/cairn/internal/epoch"
)

// OCI asks for an OCI image layout in the directory Out, missing or
// empty: one image per element of Images, a multi-platform index when
// there are several.
type OCI struct {
	Out   string      `json:"out"`
	Epoch epoch.Epoch `json:"epoch"`
	// Ref is the org.opencontainers.image.ref.name of the image; empty
	// for none.
	Ref string `json:"ref,omitempty"`
	// SBOM is an SPDX JSON file attached to every image; empty for none.
	SBOM string `json:"sbom,omitempty"`
	// Provenance is a SLSA v1 provenance predicate (JSON) attached to
	// every image in an in-toto statement naming it; empty for none.
	Provenance string     `json:"provenance,omitempty"`
	Images     []OCIImage `json:"images"`
	// Config sets the images' runtime configuration; nil keeps the
	// default (a shell, the usual PATH).
	Config *OCIConfig `json:"config,omitempty"`
}

// OCIConfig is what oci_image() sets of an image's runtime configuration.
// An empty field keeps the default: Cmd a shell unless Entrypoint is set,
// Env the usual PATH (an entry for PATH replaces it).
type OCIConfig struct {
	Entrypoint   []string `json:"entrypoint,omitempty"`
	Cmd          []string `json:"cmd,omitempty"`
	Env          []string `json:"env,omitempty"`
	WorkingDir   string   `json:"workdir,omitempty"`
	User         string   `json:"user,omitempty"`
	ExposedPorts []string `json:"ports,omitempty"`
	// Labels are sorted by key (a request holds no map: one JSON, one
	// graph).
	Labels []Label `json:"labels,omitempty"`
}

// Label is one image label.
type Label struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// OCIImage is one platform's root file system, the directory Root.
type OCIImage struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant,omitempty"`
	Root         string `json:"root"`
}

// Command implements Request.
func (OCI) Command() string { return "oci" }

// Check implements Request.
func (r OCI) Check() error {
	if err := required(r.Command(), "out", r.Out); err != nil {
		return err
	}
	if len(r.Images) == 0 {
		return errors.New("oci request: images is empty")
	}
	for _, img := range r.Images {
		if err := required(r.Command(), "image os", img.OS, "image architecture", img.Architecture, "image root", img.Root); err != nil {
			return err
		}
	}
	return nil
}

func (r *OCI) stamp() *epoch.Epoch { return &r.Epoch }
