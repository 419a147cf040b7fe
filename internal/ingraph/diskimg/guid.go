package diskimg

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/cairn-build/cairn/internal/ingraph/guid"
)

// GUID is a GUID in RFC 4122 byte order (see package guid).
type GUID = guid.GUID

// ParseGUID parses the 8-4-4-4-12 hexadecimal form, in either case.
func ParseGUID(s string) (GUID, error) { return guid.Parse(s) }

// uuid4 shapes the first 16 bytes of sum as an RFC 4122 variant, version
// 4 UUID.
func uuid4(sum [32]byte) GUID { return guid.FromHash(sum) }

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
