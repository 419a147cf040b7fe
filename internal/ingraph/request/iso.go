package request

import "github.com/cairn-build/cairn/internal/epoch"

// ISO asks for an ISO 9660 image of the tree at Src (Rock Ridge, Joliet,
// optionally El Torito bootable) in the directory Out, created if
// missing: Out/NAME.iso, or the volume set NAME-1.iso ... NAME-N.iso, and
// Out/NAME.sha256.
type ISO struct {
	Src   string      `json:"src"`
	Out   string      `json:"out"`
	Epoch epoch.Epoch `json:"epoch"`
	// Name is the base name of the output files; empty for "image".
	Name string `json:"name,omitempty"`
	// VolumeID is the volume label, at most 32 characters.
	VolumeID string `json:"volume_id"`
	// VolumeSetID is the Volume Set Identifier; empty derives one from
	// the content.
	VolumeSetID string `json:"volume_set_id,omitempty"`
	// BIOSImage is the path, inside Src, of a no-emulation El Torito
	// boot image; empty for none.
	BIOSImage string `json:"bios_image,omitempty"`
	// EFIImage is a FAT image file for the El Torito EFI entry; empty
	// for none.
	EFIImage string `json:"efi_image,omitempty"`
	// MaxVolumeSize is the largest image in bytes; 0 for no limit.
	MaxVolumeSize int64 `json:"max_volume_size,omitempty"`
	// First lists paths inside Src to keep on volume 1.
	First []string `json:"first,omitempty"`
}

// Command implements Request.
func (ISO) Command() string { return "iso" }

// Check implements Request.
func (r ISO) Check() error {
	if err := required(r.Command(), "src", r.Src, "out", r.Out, "volume_id", r.VolumeID); err != nil {
		return err
	}
	if err := nonNegative(r.Command(), "max_volume_size", r.MaxVolumeSize); err != nil {
		return err
	}
	return outside(r.Command(), r.Src, r.Out)
}

func (r *ISO) stamp() *epoch.Epoch { return &r.Epoch }
