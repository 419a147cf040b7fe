package iso9660

import (
	"fmt"
	"os"

	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// defaultName is the base name of the output files when the request
// gives none.
const defaultName = "image"

// Run writes the image or volume set req asks for into req.Out, created
// if missing, with its .sha256 list.
func Run(req request.ISO) error {
	opts := Options{VolumeID: req.VolumeID, VolumeSetID: req.VolumeSetID, Epoch: req.Epoch.Unix(),
		BIOSImage: req.BIOSImage, EFIImage: req.EFIImage, MaxVolumeSize: req.MaxVolumeSize, First: req.First}
	name := req.Name
	if name == "" {
		name = defaultName
	}
	if err := os.MkdirAll(req.Out, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	_, err := Write(req.Src, req.Out, name, opts)
	return err
}
