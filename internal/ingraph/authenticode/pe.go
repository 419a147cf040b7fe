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

// parsePE reads the headers of a PE/COFF image (an EFI application, a
// kernel with an EFI stub). An image that is already signed is refused:
// cairn signs what it built, once.
func parsePE(data []byte) (*peImage, error) {
	le := binary.LittleEndian
	if len(data) < 0x40 || string(data[:2]) != "MZ" {
		return nil, errors.New("not a PE/COFF image (no MZ header)")
	}
	pe := int(le.Uint32(data[0x3c:]))
	if pe < 0 || pe+24 > len(data) || string(data[pe:pe+4]) != "PE\x00\x00" {
		return nil, errors.New("not a PE/COFF image (no PE signature)")
	}
	coff := pe + 4
	nsec := int(le.Uint16(data[coff+2:]))
	optSize := int(le.Uint16(data[coff+16:]))
	opt := coff + 20
	if opt+optSize > len(data) || optSize < 2 {
		return nil, errors.New("PE optional header runs past the file")
	}
	var dirs, ndirsAt int
	switch le.Uint16(data[opt:]) {
	case 0x10b: // PE32
		dirs, ndirsAt = opt+96, opt+92
	case 0x20b: // PE32+
		dirs, ndirsAt = opt+112, opt+108
	default:
		return nil, fmt.Errorf("PE optional header of unknown magic %#x", le.Uint16(data[opt:]))
	}
	if ndirsAt+4 > opt+optSize || int(le.Uint32(data[ndirsAt:])) <= certDirIndex || dirs+8*(certDirIndex+1) > opt+optSize {
		return nil, errors.New("PE image has no certificate table directory entry")
	}
	img := &peImage{data: data, checksum: opt + 64, certDir: dirs + 8*certDirIndex, headersSize: int(le.Uint32(data[opt+60:]))}
	if le.Uint32(data[img.certDir+4:]) != 0 {
		return nil, errors.New("the image is signed already; cairn signs unsigned images it built or unpacked")
	}
	secs := opt + optSize
	if secs+40*nsec > len(data) || img.headersSize > len(data) {
		return nil, errors.New("PE section table runs past the file")
	}
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
