package iso9660

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// El Torito constants: a BIOS image is loaded as 4 virtual 512-byte
// sectors (what isolinux and GRUB's eltorito.img expect); an EFI image's
// sector count is its size in 512-byte units, capped as xorriso does.
const (
	biosLoadSectors = 4
	efiPlatform     = 0xEF
	bootInfoOffset  = 8
	bootInfoEnd     = 64
	biosImageMax    = 64 << 20
)

// bootSpec is what volume 1 boots.
type bootSpec struct {
	bios *entry  // no-emulation BIOS image, from the tree
	efi  *extent // EFI FAT image, from the tree or hidden
}

// bootRecord is the El Torito Boot Record Volume Descriptor pointing at
// the catalog.
func bootRecord(catalog uint32) []byte {
	b := make([]byte, sectorSize)
	copy(b, "\x00CD001\x01EL TORITO SPECIFICATION")
	binary.LittleEndian.PutUint32(b[71:], catalog)
	return b
}

// catalog is the boot catalog: validation entry, default entry (BIOS, or
// EFI alone), then an EFI section when both are given.
func (s *bootSpec) catalog() []byte {
	b := make([]byte, sectorSize)
	platform := byte(0)
	if s.bios == nil {
		platform = efiPlatform
	}
	validation(b[0:32], platform)
	if s.bios == nil {
		bootEntry(b[32:64], efiSectors(s.efi.size), s.efi.lba)
		return b
	}
	bootEntry(b[32:64], biosLoadSectors, s.bios.ext.lba)
	if s.efi != nil {
		b[64], b[65], b[66] = 0x91, efiPlatform, 1 // final section header, one entry
		bootEntry(b[96:128], efiSectors(s.efi.size), s.efi.lba)
	}
	return b
}

// validation fills the validation entry, whose 16-bit words sum to 0.
func validation(b []byte, platform byte) {
	b[0], b[1], b[30], b[31] = 1, platform, 0x55, 0xAA
	var sum uint16
	for i := 0; i < 32; i += 2 {
		sum += binary.LittleEndian.Uint16(b[i:])
	}
	binary.LittleEndian.PutUint16(b[28:], -sum)
}

// bootEntry fills a bootable no-emulation entry.
func bootEntry(b []byte, count uint16, lba uint32) {
	b[0] = 0x88
	binary.LittleEndian.PutUint16(b[6:], count)
	binary.LittleEndian.PutUint32(b[8:], lba)
}

// efiSectors is an EFI image's size in 512-byte sectors, capped at 0xFFFF.
func efiSectors(size int64) uint16 {
	return uint16(min((size+511)/512, 0xFFFF))
}

// patchBIOS reads the BIOS image and fills its boot info table (what
// mkisofs -boot-info-table does): at offset 8 the primary descriptor's
// sector, the image's sector, its length and the 32-bit sum of its
// little-endian words from offset 64 on, then 40 zero bytes. The tree's
// file is untouched; only the copy on the disc is patched.
func (s *bootSpec) patchBIOS() error {
	x := s.bios.ext
	data, err := readSmall(x.src.host, biosImageMax)
	if err != nil {
		return fmt.Errorf("read BIOS boot image %s: %w", s.bios.path, err)
	}
	if len(data) < bootInfoEnd {
		return fmt.Errorf("BIOS boot image %s has %d bytes, too small for a boot info table (want at least %d); pass the real isolinux.bin or eltorito.img as bios_image", s.bios.path, len(data), bootInfoEnd)
	}
	var sum uint32
	for i := bootInfoEnd; i < len(data); i += 4 {
		var w [4]byte
		copy(w[:], data[i:])
		sum += binary.LittleEndian.Uint32(w[:])
	}
	t := data[bootInfoOffset:bootInfoEnd]
	clear(t)
	binary.LittleEndian.PutUint32(t[0:], 16)
	binary.LittleEndian.PutUint32(t[4:], x.lba)
	binary.LittleEndian.PutUint32(t[8:], uint32(len(data)))
	binary.LittleEndian.PutUint32(t[12:], sum)
	x.src = source{mem: data}
	return nil
}

// readSmall reads a whole file of at most limit bytes.
func readSmall(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = fmt.Errorf("larger than %d bytes; a no-emulation boot image is loaded by the BIOS into low memory", limit)
	}
	return data, err
}
