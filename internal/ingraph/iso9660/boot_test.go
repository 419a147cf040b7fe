package iso9660

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// bootTree makes a tree with a fake isolinux.bin and a FAT image outside.
func bootTree(t *testing.T) (src, bios, efi string) {
	t.Helper()
	src = t.TempDir()
	img := make([]byte, 24578) // not a multiple of 4: the checksum pads
	rand.Read(img)
	bios = filepath.Join(src, "isolinux", "isolinux.bin")
	writeFile(t, bios, img, 0o644)
	writeFile(t, filepath.Join(src, "README"), []byte("boot me\n"), 0o644)
	efi = filepath.Join(t.TempDir(), "efiboot.img")
	writeFile(t, efi, bytes.Repeat([]byte{0xF6}, 3*1024*1024+100), 0o644)
	return src, bios, efi
}

// elTorito parses xorriso -report_el_torito plain into its boot image
// rows ("1 BIOS y none 0x0000 0x00 4 LBA") and options.
func elTorito(t *testing.T, iso string) (rows []string, report string) {
	t.Helper()
	report = tool(t, "xorriso", "-indev", iso, "-report_el_torito", "plain")
	for _, line := range strings.Split(report, "\n") {
		if v, ok := strings.CutPrefix(line, "El Torito boot img :"); ok {
			rows = append(rows, strings.Join(strings.Fields(v), " "))
		}
	}
	return rows, report
}

// lba returns the sector xorriso reports a file at.
func lbaOf(t *testing.T, iso, path string) int64 {
	t.Helper()
	out := tool(t, "xorriso", "-indev", iso, "-find", path, "-exec", "report_lba")
	m := regexp.MustCompile(`File data lba:\s+\d+\s*,\s*(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no lba for %s in:\n%s", path, out)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

func TestBIOSAndEFIBoot(t *testing.T) {
	src, bios, efi := bootTree(t)
	orig, _ := os.ReadFile(bios)
	iso := writeISO(t, src, Options{BIOSImage: "/isolinux/isolinux.bin", EFIImage: efi})[0].Path
	rows, report := elTorito(t, iso)
	binLBA := lbaOf(t, iso, "/isolinux/isolinux.bin")
	want := []string{"1 BIOS y none 0x0000 0x00 4 " + itoa(binLBA), "2 UEFI y none 0x0000 0x00 " + itoa(int64(efiSectors(3*1024*1024+100)))}
	if len(rows) != 2 || rows[0] != want[0] || !strings.HasPrefix(rows[1], want[1]+" ") {
		t.Fatalf("El Torito images %q, want %q\n%s", rows, want, report)
	}
	if !strings.Contains(report, "boot-info-table") {
		t.Errorf("xorriso does not see a patched boot info table:\n%s", report)
	}
	efiLBA, _ := strconv.ParseInt(strings.Fields(rows[1])[7], 10, 64)
	if got := readAt(t, iso, efiLBA*sectorSize, 3*1024*1024+100); !bytes.Equal(got, bytes.Repeat([]byte{0xF6}, len(got))) {
		t.Error("EFI image content not at the catalog's sector")
	}
	checkBootInfo(t, iso, binLBA, orig)
	if now, _ := os.ReadFile(bios); !bytes.Equal(now, orig) {
		t.Error("the source tree's boot image was modified")
	}
}

// checkBootInfo verifies the boot info table of the image's copy of a
// BIOS boot file, independently of the writer.
func checkBootInfo(t *testing.T, iso string, lba int64, orig []byte) {
	t.Helper()
	got := readAt(t, iso, lba*sectorSize, len(orig))
	var sum uint32
	padded := append(append([]byte{}, orig...), 0, 0, 0)
	for i := 64; i < len(orig); i += 4 {
		sum += binary.LittleEndian.Uint32(padded[i:])
	}
	le := binary.LittleEndian
	if le.Uint32(got[8:]) != 16 || int64(le.Uint32(got[12:])) != lba || int(le.Uint32(got[16:])) != len(orig) || le.Uint32(got[20:]) != sum {
		t.Errorf("boot info table %x, want pvd 16, lba %d, length %d, checksum %#x", got[8:24], lba, len(orig), sum)
	}
	if !bytes.Equal(got[24:64], make([]byte, 40)) || !bytes.Equal(got[:8], orig[:8]) || !bytes.Equal(got[64:], orig[64:]) {
		t.Error("boot image changed outside the boot info table")
	}
}

func TestEFIImageInsideTreeIsReused(t *testing.T) {
	src, _, efi := bootTree(t)
	inTree := filepath.Join(src, "boot", "efi.img")
	data, _ := os.ReadFile(efi)
	writeFile(t, inTree, data, 0o644)
	imgs := writeISO(t, src, Options{EFIImage: inTree})
	rows, report := elTorito(t, imgs[0].Path)
	fileLBA := lbaOf(t, imgs[0].Path, "/boot/efi.img")
	if len(rows) != 1 || !strings.HasPrefix(rows[0], "1 UEFI y none") || !strings.HasSuffix(rows[0], " "+itoa(fileLBA)) {
		t.Errorf("EFI-only catalog %q, want one UEFI entry at the file's sector %d\n%s", rows, fileLBA, report)
	}
	if imgs[0].SHA256 == "" || lsdl(t, imgs[0].Path, "any")["/boot/efi.img"].size != itoa(int64(len(data))) {
		t.Error("in-tree EFI image not listed as a file")
	}
}

func TestEFISectorCountIsCapped(t *testing.T) {
	src := t.TempDir()
	efi := filepath.Join(t.TempDir(), "big.img")
	f, err := os.Create(efi)
	testutil.Must(t, err)
	testutil.Must(t, f.Truncate(40<<20))
	f.Close()
	rows, report := elTorito(t, writeISO(t, src, Options{EFIImage: efi})[0].Path)
	if len(rows) != 1 || !strings.HasPrefix(rows[0], "1 UEFI y none 0x0000 0x00 65535 ") {
		t.Errorf("catalog %q, want the EFI sector count capped at 65535\n%s", rows, report)
	}
}

func TestPlainDiscHasNoBootRecord(t *testing.T) {
	src, _, _ := bootTree(t)
	iso := writeISO(t, src, Options{})[0].Path
	if out := tool(t, "xorriso", "-indev", iso, "-report_el_torito", "plain"); strings.Contains(out, "El Torito") {
		t.Errorf("plain disc reports El Torito:\n%s", out)
	}
	if vd := readAt(t, iso, 17*sectorSize, 8); vd[0] != 2 {
		t.Errorf("sector 17 is descriptor type %d, want the Joliet SVD (2)", vd[0])
	}
}
