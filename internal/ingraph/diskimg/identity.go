package diskimg

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// canonicalFormat tags the canonical form; change it whenever the form
// changes, so old and new identifiers cannot collide.
const canonicalFormat = "cairn-diskimg/1"

// canonical is the form of a resolved layout that identifiers derive
// from; see the package comment.
type canonical struct {
	Format     string          `json:"format"`
	Name       string          `json:"name"`
	Table      string          `json:"table"`
	Size       int64           `json:"size"`
	Align      int64           `json:"align"`
	Partitions []canonicalPart `json:"partitions"`
	RawWrites  []canonicalRaw  `json:"raw_writes"`
}

// canonicalPart is a partition in the canonical form.
type canonicalPart struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Offset   int64  `json:"offset"`
	Size     int64  `json:"size"`
	Bootable bool   `json:"bootable"`
	SHA256   string `json:"sha256"`
}

// canonicalRaw is a raw write in the canonical form.
type canonicalRaw struct {
	Offset int64  `json:"offset"`
	SHA256 string `json:"sha256"`
}

// seed hashes the canonical form of l given the sha256 of each partition
// image (nil for an empty partition) and of each raw-write file.
func (l *layout) seed(imageSums, rawSums [][]byte) [32]byte {
	c := canonical{Format: canonicalFormat, Name: l.spec.Name, Table: l.spec.Table, Size: l.size, Align: alignOf(l.spec),
		Partitions: []canonicalPart{}, RawWrites: []canonicalRaw{}}
	for i, p := range l.parts {
		c.Partitions = append(c.Partitions, canonicalPart{p.Name, p.typ.text, p.Offset, p.Size, p.Bootable, hex.EncodeToString(imageSums[i])})
	}
	for i, w := range l.raws {
		c.RawWrites = append(c.RawWrites, canonicalRaw{w.Offset, hex.EncodeToString(rawSums[i])})
	}
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // plain structs always marshal
	}
	return sha256.Sum256(b)
}
