package authenticode

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// peImage is what signing needs of a PE/COFF file: where the fields the
// Authenticode hash skips are, and its sections.
type peImage struct {
	data        []byte
	checksum    int // offset of the optional header's CheckSum
	certDir     int // offset of the certificate table's data directory entry
	headersSize int // SizeOfHeaders
	sections    []section
}

type section struct{ offset, size int }

// Certificate-table entry of a PE file and the one kind cairn writes.
const (
	certDirIndex   = 4
	winCertRev2    = 0x0200
	winCertPKCS7   = 0x0002
	winCertHdrSize = 8
)

// Headers are where a PE/COFF image's headers are: the COFF header, the
// optional header and its size, the section table and its length, and
// the certificate table's data directory entry (0 when the optional
// header has none).
type Headers struct {
	COFF, Opt, OptSize, Sections, NSections, CertDir int
}

// ReadHeaders locates the headers of a PE/COFF image (an EFI application,
// a kernel with an EFI stub, systemd's stub).
func ReadHeaders(data []byte) (Headers, error) {
	le := binary.LittleEndian
	if len(data) < 0x40 || string(data[:2]) != "MZ" {
		return Headers{}, errors.New("not a PE/COFF image (no MZ header)")
	}
	pe := int(le.Uint32(data[0x3c:]))
	if pe < 0 || pe+24 > len(data) || string(data[pe:pe+4]) != "PE\x00\x00" {
		return Headers{}, errors.New("not a PE/COFF image (no PE signature)")
	}
	h := Headers{COFF: pe + 4, Opt: pe + 24}
	h.NSections = int(le.Uint16(data[h.COFF+2:]))
	h.OptSize = int(le.Uint16(data[h.COFF+16:]))
	h.Sections = h.Opt + h.OptSize
	if h.Sections > len(data) || h.OptSize < 96 {
		return Headers{}, errors.New("PE optional header runs past the file")
	}
	var dirs, ndirsAt int
	switch le.Uint16(data[h.Opt:]) {
	case 0x10b: // PE32
		dirs, ndirsAt = h.Opt+96, h.Opt+92
	case 0x20b: // PE32+
		dirs, ndirsAt = h.Opt+112, h.Opt+108
	default:
		return Headers{}, fmt.Errorf("PE optional header of unknown magic %#x", le.Uint16(data[h.Opt:]))
	}
	if ndirsAt+4 <= h.Sections && int(le.Uint32(data[ndirsAt:])) > certDirIndex && dirs+8*(certDirIndex+1) <= h.Sections {
		h.CertDir = dirs + 8*certDirIndex
	}
	if h.Sections+40*h.NSections > len(data) {
		return Headers{}, errors.New("PE section table runs past the file")
	}
	return h, nil
}

// Signed reports whether the image already has a certificate table.
func (h Headers) Signed(data []byte) bool {
	return h.CertDir != 0 && binary.LittleEndian.Uint32(data[h.CertDir+4:]) != 0
}

// parsePE reads the headers of a PE/COFF image (an EFI application, a
// kernel with an EFI stub). An image that is already signed is refused:
// cairn signs what it built, once.
func parsePE(data []byte) (*peImage, error) {
	le := binary.LittleEndian
	h, err := ReadHeaders(data)
	if err != nil {
		return nil, err
	}
	if h.CertDir == 0 {
		return nil, errors.New("PE image has no certificate table directory entry")
	}
	img := &peImage{data: data, checksum: h.Opt + 64, certDir: h.CertDir, headersSize: int(le.Uint32(data[h.Opt+60:]))}
	if h.Signed(data) {
		return nil, errors.New("the image is signed already; cairn signs unsigned images it built or unpacked")
	}
	if img.headersSize > len(data) {
		return nil, errors.New("PE headers run past the file")
	}
	secs, nsec := h.Sections, h.NSections
	for i := range nsec {
		s := secs + 40*i
		size, off := int(le.Uint32(data[s+16:])), int(le.Uint32(data[s+20:]))
		if size == 0 {
			continue
		}
		if off < 0 || size < 0 || off+size > len(data) {
			return nil, fmt.Errorf("PE section %d runs past the file", i)
		}
		img.sections = append(img.sections, section{off, size})
	}
	sort.Slice(img.sections, func(i, j int) bool { return img.sections[i].offset < img.sections[j].offset })
	return img, nil
}

// hash is the Authenticode SHA-256 of the image: every byte but the
// CheckSum, the certificate directory entry and the certificate table
// (which is not there yet): the headers, the sections in file order, then
// whatever follows them.
func (img *peImage) hash() []byte {
	h := sha256.New()
	d := img.data
	h.Write(d[:img.checksum])
	h.Write(d[img.checksum+4 : img.certDir])
	h.Write(d[img.certDir+8 : img.headersSize])
	// The bytes after the sections start where the spec's count of bytes
	// hashed ends (SizeOfHeaders plus the sections' sizes), as signtool
	// and sbverify take them.
	hashed := img.headersSize
	for _, s := range img.sections {
		h.Write(d[s.offset : s.offset+s.size])
		hashed += s.size
	}
	if hashed < len(d) {
		h.Write(d[hashed:])
	}
	return h.Sum(nil)
}
