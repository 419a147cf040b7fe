package mkfs

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// volumeIDs are the identifiers of one file system, all derived from
// content so that the same tree gives the same image.
type volumeIDs struct {
	fatSerial uint32 // FAT volume serial number
	uuid      string // ext4 file system UUID
	hashSeed  string // ext4 directory hash seed
}

// deriveIDs computes sha256("cairn-mkfs-ids-v1", type, salt, label,
// tree digest), fields length-prefixed: the FAT serial is its first 4
// bytes (little-endian, as stored), the ext4 UUID its first 16 bytes
// and the hash seed its last 16, both with the RFC 4122 version 4 and
// variant bits set. The type is included so that a FAT and an ext4
// image of one tree get unrelated IDs; the salt tells apart two
// partitions of the same content.
func deriveIDs(digest [32]byte, typ, salt, label string) volumeIDs {
	h := sha256.New()
	for _, f := range []string{"cairn-mkfs-ids-v1", typ, salt, label, string(digest[:])} {
		var n [binary.MaxVarintLen64]byte
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(f)))])
		h.Write([]byte(f))
	}
	sum := h.Sum(nil)
	return volumeIDs{
		fatSerial: binary.LittleEndian.Uint32(sum[:4]),
		uuid:      uuidV4(sum[:16]),
		hashSeed:  uuidV4(sum[16:32]),
	}
}

// uuidV4 formats 16 bytes as a UUID with the version 4 and RFC 4122
// variant bits set.
func uuidV4(b []byte) string {
	u := append([]byte(nil), b...)
	u[6] = u[6]&0x0F | 0x40
	u[8] = u[8]&0x3F | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// fatSerialString formats a FAT serial number the way blkid and Windows
// show it, "ABCD-1234".
func fatSerialString(s uint32) string {
	return fmt.Sprintf("%04X-%04X", s>>16, s&0xFFFF)
}
