package mkfs

import (
	"errors"
	"fmt"
	"os"

	"github.com/cairn-build/cairn/internal/ingraph/fat"
	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// makeFAT writes a FAT image with internal/ingraph/fat: FAT12, FAT16 or FAT32 by
// size as mkfs.fat would choose for "fat", FAT32 for "fat32". The
// automatic size is the smallest whole number of MiB that holds the
// contents with a tenth of their size, and at least 1 MiB, free (for
// fat32 at least FAT32's minimum, 33 MiB). --offset fills the boot
// sector's hidden-sectors field.
func makeFAT(j request.Mkfs) (Result, error) {
	tree, err := fat.Scan(j.Src)
	if err != nil {
		return Result{}, err
	}
	info, err := walkTree(j.Src)
	if err != nil {
		return Result{}, err
	}
	ids := deriveIDs(info.digest, j.Type, j.IDSalt, j.Label)
	opts := fat.Options{Size: j.Size, Label: j.Label, Serial: ids.fatSerial, Offset: j.Offset, Epoch: j.Epoch.Unix()}
	if j.Type == "fat32" {
		opts.Kind = fat.FAT32
	}
	v, err := fat.Plan(tree, opts)
	if err != nil {
		return Result{}, fatPlanError(err, j.Type)
	}
	if err := writeSized(j.Out, v.Size(), func(f *os.File) error { return v.WriteTo(f) }); err != nil {
		return Result{}, err
	}
	return Result{Type: fmt.Sprintf("fat%d", v.Bits()), Size: v.Size(), UUID: fatSerialString(ids.fatSerial), Label: v.Label()}, nil
}

// fatPlanError words a too-small partition the common way.
func fatPlanError(err error, typ string) error {
	var small *fat.TooSmallError
	if !errors.As(err, &small) {
		return err
	}
	if small.FAT32 {
		return fmt.Errorf("FAT32 needs at least %s for its 65525 clusters; the partition is %s: raise size= or use type fat", sizeString(small.Need), shortSize(small.Have))
	}
	return tooSmallError(small.Need, typ, small.Have)
}
