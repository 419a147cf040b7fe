package request

import "github.com/cairn-build/cairn/internal/epoch"

// FilesystemTypes are the values of Mkfs.Type: FAT12, FAT16 or FAT32 by
// size ("fat"), FAT32 ("fat32"), ext4 and squashfs.
var FilesystemTypes = []string{"fat", "fat32", "ext4", "squashfs"}

// Mkfs asks for a file system image of the tree at Src, written to the
// file Out. Its identifiers (FAT serial, ext4 UUID and hash seed) derive
// from the content, the type, the label and IDSalt.
type Mkfs struct {
	Src   string      `json:"src"`
	Out   string      `json:"out"`
	Epoch epoch.Epoch `json:"epoch"`
	// Type is one of FilesystemTypes.
	Type  string `json:"type"`
	Label string `json:"label,omitempty"`
	// Size is the partition's size in bytes; 0 picks the smallest
	// sensible size.
	Size int64 `json:"size,omitempty"`
	// Offset is the partition's byte offset on its disk (FAT's hidden
	// sectors).
	Offset int64 `json:"offset,omitempty"`
	// IDSalt tells apart two file systems of the same content.
	IDSalt string `json:"id_salt,omitempty"`
}

// Command implements Request.
func (Mkfs) Command() string { return "mkfs" }

// Check implements Request.
func (r Mkfs) Check() error {
	if err := required(r.Command(), "src", r.Src, "out", r.Out); err != nil {
		return err
	}
	if err := oneOf(r.Command(), "type", r.Type, FilesystemTypes); err != nil {
		return err
	}
	if err := nonNegative(r.Command(), "size", r.Size); err != nil {
		return err
	}
	if err := nonNegative(r.Command(), "offset", r.Offset); err != nil {
		return err
	}
	return outside(r.Command(), r.Src, r.Out)
}

func (r *Mkfs) stamp() *epoch.Epoch { return &r.Epoch }
