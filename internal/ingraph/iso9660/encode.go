package iso9660

import (
	"encoding/binary"
	"fmt"
	"time"
	"unicode/utf16"
)

// sectorSize is the logical block size; ISO 9660 allows others, but every
// reader and every drive expects 2048.
const sectorSize = 2048

// sectors returns how many sectors n bytes occupy.
func sectors(n int64) int64 { return (n + sectorSize - 1) / sectorSize }

// putBoth16 stores v little-endian then big-endian ("both-byte order",
// ECMA-119 7.2.3) in b[0:4].
func putBoth16(b []byte, v uint16) {
	binary.LittleEndian.PutUint16(b, v)
	binary.BigEndian.PutUint16(b[2:], v)
}

// putBoth32 stores v little-endian then big-endian (ECMA-119 7.3.3) in
// b[0:8].
func putBoth32(b []byte, v uint32) {
	binary.LittleEndian.PutUint32(b, v)
	binary.BigEndian.PutUint32(b[4:], v)
}

// fillSpaces copies s into b and pads the rest with spaces, the filler
// of a- and d-character fields.
func fillSpaces(b []byte, s string) {
	n := copy(b, s)
	for i := n; i < len(b); i++ {
		b[i] = ' '
	}
}

// fillUCS2 writes s as UCS-2 big-endian into b and pads with UCS-2
// spaces, as Joliet wants its identifier fields.
func fillUCS2(b []byte, s string) {
	u := utf16.Encode([]rune(s))
	for i := 0; i+1 < len(b); i += 2 {
		c := uint16(' ')
		if i/2 < len(u) {
			c = u[i/2]
		}
		binary.BigEndian.PutUint16(b[i:], c)
	}
}

// ucs2Bytes returns u as big-endian bytes.
func ucs2Bytes(u []uint16) []byte {
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.BigEndian.PutUint16(b[2*i:], c)
	}
	return b
}

// stamp is the one time every date field of an image carries.
type stamp struct{ t time.Time }

// newStamp checks that epoch fits the 7-byte directory record date,
// whose year is an offset from 1900 in one byte.
func newStamp(epoch int64) (stamp, error) {
	t := time.Unix(epoch, 0).UTC()
	if t.Year() > 1900+255 {
		return stamp{}, fmt.Errorf("epoch %d is in %d, after 2155, the last year an ISO 9660 directory record can hold; pass an earlier SOURCE_DATE_EPOCH", epoch, t.Year())
	}
	return stamp{t}, nil
}

// short writes the 7-byte date of directory records and Rock Ridge TF
// entries (ECMA-119 9.1.5), in UTC.
func (s stamp) short(b []byte) {
	t := s.t
	b[0] = byte(t.Year() - 1900)
	b[1] = byte(t.Month())
	b[2] = byte(t.Day())
	b[3] = byte(t.Hour())
	b[4] = byte(t.Minute())
	b[5] = byte(t.Second())
	b[6] = 0
}

// long writes the 17-byte volume descriptor date (ECMA-119 8.4.26.1),
// in UTC.
func (s stamp) long(b []byte) {
	copy(b, s.t.Format("20060102150405")+"00")
	b[16] = 0
}

// unsetDate writes the 17-byte "not specified" date: sixteen '0' digits
// and a zero offset.
func unsetDate(b []byte) {
	copy(b, "0000000000000000")
	b[16] = 0
}
