// Package guid is the one GUID type of cairn's in-graph helpers. GPT
// disks and UEFI variable stores write GUIDs in the same mixed-endian
// form, and cairn derives every GUID it writes from content, never at
// random.
package guid

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// GUID is a GUID in RFC 4122 byte order, the order of its text form.
type GUID [16]byte

// String returns the upper-case text form sfdisk and sgdisk print.
func (g GUID) String() string {
	h := strings.ToUpper(hex.EncodeToString(g[:]))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// Disk returns the on-disk form of GPT and UEFI (EFI_GUID): the first
// three fields little-endian.
func (g GUID) Disk() [16]byte {
	var d [16]byte
	copy(d[:], g[:])
	binary.LittleEndian.PutUint32(d[0:4], binary.BigEndian.Uint32(g[0:4]))
	binary.LittleEndian.PutUint16(d[4:6], binary.BigEndian.Uint16(g[4:6]))
	binary.LittleEndian.PutUint16(d[6:8], binary.BigEndian.Uint16(g[6:8]))
	return d
}

// Parse parses the 8-4-4-4-12 hexadecimal form, in either case.
func Parse(s string) (GUID, error) {
	var g GUID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return g, fmt.Errorf("%q is not a GUID of the form XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX", s)
	}
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil {
		return g, fmt.Errorf("%q is not a GUID: %w", s, err)
	}
	copy(g[:], b)
	return g, nil
}

// MustParse is Parse of a constant.
func MustParse(s string) GUID {
	g, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return g
}

// FromHash shapes the first 16 bytes of sum as an RFC 4122 variant,
// version 4 GUID, as systemd-repart does for its derived GUIDs.
func FromHash(sum [32]byte) GUID {
	var g GUID
	copy(g[:], sum[:16])
	g[6] = g[6]&0x0f | 0x40
	g[8] = g[8]&0x3f | 0x80
	return g
}
