package fat

import (
	"encoding/binary"
	"time"
	"unicode/utf16"
)

// Directory entry attributes.
const (
	attrVolume  = 0x08
	attrDir     = 0x10
	attrArchive = 0x20
	attrLFN     = 0x0F
)

// entrySize is the size of one directory entry.
const entrySize = 32

// stamp is a FAT date and time: local-time fields with 2-second
// resolution, from 1980 to 2107.
type stamp struct{ date, time uint16 }

// stampOf converts seconds since 1970 to FAT fields, reading them as UTC
// (FAT has no time zone) and clamping to FAT's range.
func stampOf(epoch int64) stamp {
	t := time.Unix(epoch, 0).UTC()
	if lo := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC); t.Before(lo) {
		t = lo
	}
	if hi := time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC); t.After(hi) {
		t = hi
	}
	return stamp{
		date: uint16((t.Year()-1980)<<9 | int(t.Month())<<5 | t.Day()),
		time: uint16(t.Hour()<<11 | t.Minute()<<5 | t.Second()/2),
	}
}

// shortEntry encodes a short (8.3) directory entry; creation, access
// and write times are all ts.
func shortEntry(name [11]byte, attr byte, cluster uint32, size uint32, ts stamp) []byte {
	e := make([]byte, entrySize)
	copy(e, name[:])
	e[11] = attr
	le := binary.LittleEndian
	le.PutUint16(e[14:], ts.time)
	le.PutUint16(e[16:], ts.date)
	le.PutUint16(e[18:], ts.date)
	le.PutUint16(e[20:], uint16(cluster>>16))
	le.PutUint16(e[22:], ts.time)
	le.PutUint16(e[24:], ts.date)
	le.PutUint16(e[26:], uint16(cluster))
	le.PutUint32(e[28:], size)
	return e
}

// lfnEntries encodes the long-name entries for name, in on-disk order
// (last part first), each carrying the checksum of the short name that
// follows them.
func lfnEntries(name string, short [11]byte) []byte {
	units := utf16.Encode([]rune(name))
	n := int(longEntries(name))
	if len(units) < n*lfnChars {
		units = append(units, 0) // terminator, then 0xFFFF padding
	}
	for len(units) < n*lfnChars {
		units = append(units, 0xFFFF)
	}
	sum := checksum(short)
	out := make([]byte, 0, n*entrySize)
	for seq := n; seq >= 1; seq-- {
		ord := byte(seq)
		if seq == n {
			ord |= 0x40
		}
		out = append(out, lfnEntry(ord, sum, units[(seq-1)*lfnChars:seq*lfnChars])...)
	}
	return out
}

// lfnEntry encodes one long-name entry holding 13 code units.
func lfnEntry(ord, sum byte, units []uint16) []byte {
	e := make([]byte, entrySize)
	e[0], e[11], e[13] = ord, attrLFN, sum
	for i, u := range units {
		off := lfnOffsets[i]
		binary.LittleEndian.PutUint16(e[off:], u)
	}
	return e
}

// lfnOffsets are the byte offsets of the 13 name characters in a
// long-name entry.
var lfnOffsets = [lfnChars]int{1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30}
