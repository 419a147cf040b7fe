package ocilayout

import (
	"os"

	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// Run writes the image layout req asks for.
func Run(req request.OCI) error {
	opts := Options{Epoch: req.Epoch.Unix(), Ref: req.Ref}
	if req.SBOM != "" {
		var err error
		if opts.SBOM, err = os.ReadFile(req.SBOM); err != nil {
			return err
		}
	}
	if req.Provenance != "" {
		var err error
		if opts.Provenance, err = os.ReadFile(req.Provenance); err != nil {
			return err
		}
	}
	images := make([]Image, len(req.Images))
	for i, img := range req.Images {
		images[i] = Image{Platform: Platform{OS: img.OS, Architecture: img.Architecture, Variant: img.Variant}, Rootfs: img.Root}
	}
	return Write(req.Out, images, opts)
}
