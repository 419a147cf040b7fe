package diskimg

import (
	"crypto/sha256"
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

// disk returns the GPT on-disk form: the first three fields little-endian.
func (g GUID) disk() [16]byte {
	var d [16]byte
	copy(d[:], g[:])
	binary.LittleEndian.PutUint32(d[0:4], binary.BigEndian.Uint32(g[0:4]))
	binary.LittleEndian.PutUint16(d[4:6], binary.BigEndian.Uint16(g[4:6]))
	binary.LittleEndian.PutUint16(d[6:8], binary.BigEndian.Uint16(g[6:8]))
	return d
}

// ParseGUID parses the 8-4-4-4-12 hexadecimal form, in either case.
func ParseGUID(s string) (GUID, error) {
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

// uuid4 shapes the first 16 bytes of sum as an RFC 4122 variant, version
// 4 UUID.
func uuid4(sum [32]byte) GUID {
	var g GUID
	copy(g[:], sum[:16])
	g[6] = g[6]&0x0f | 0x40
	g[8] = g[8]&0x3f | 0x80
	return g
}

// ids are the identifiers derived from a seed; see the package comment.
type ids struct {
	disk      GUID
	parts     []GUID
	signature uint32
}

// deriveIDs derives the disk and n partition identifiers from seed.
func deriveIDs(seed [32]byte, n int) ids {
	s := hex.EncodeToString(seed[:])
	out := ids{disk: uuid4(sha256.Sum256([]byte("cairn-diskimg:disk-guid:" + s)))}
	for i := 1; i <= n; i++ {
		out.parts = append(out.parts, uuid4(sha256.Sum256([]byte(fmt.Sprintf("cairn-diskimg:partition-guid:%d:%s", i, s)))))
	}
	sig := sha256.Sum256([]byte("cairn-diskimg:mbr-signature:" + s))
	out.signature = binary.LittleEndian.Uint32(sig[:4])
	return out
}
