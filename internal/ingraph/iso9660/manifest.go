package iso9660

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// manifestName is the volume set manifest's name in every volume's root.
const manifestName = "cairn-volumes.txt"

// manifestVersion is the format number on the manifest's first line.
const manifestVersion = 1

// manifest is the text every volume of a set carries (format in doc.go).
type manifest struct {
	setID  string
	ids    []string
	splits []splitFile
	files  []listedFile
}

// splitFile is a file stored in parts.
type splitFile struct {
	path  string
	parts int
	sum   []byte
}

// listedFile is one file of one volume.
type listedFile struct {
	seq  int
	path string
	sum  []byte
}

// bytes renders the manifest; unknown hashes render as zeros, which
// keeps the length right for sizing.
func (m *manifest) bytes() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "cairn-volumes %d\nset %s\nvolumes %d\n", manifestVersion, m.setID, len(m.ids))
	for i, id := range m.ids {
		fmt.Fprintf(&b, "volume %d %s\n", i+1, id)
	}
	for _, s := range m.splits {
		fmt.Fprintf(&b, "split %d %s %s\n", s.parts, hexSum(s.sum), s.path)
	}
	for _, f := range m.files {
		fmt.Fprintf(&b, "%s  %d/%s\n", hexSum(f.sum), f.seq, f.path)
	}
	return b.Bytes()
}

// hexSum spells a sha256 in hex, zeros while unknown.
func hexSum(sum []byte) string {
	if sum == nil {
		return strings.Repeat("0", 2*sha256.Size)
	}
	return hex.EncodeToString(sum)
}

// planManifest lists a plan's files, for sizing before any hash is known.
func planManifest(setIDLen int, ids []string, plans []*volPlan) *manifest {
	m := &manifest{setID: strings.Repeat("X", setIDLen), ids: ids}
	for i, v := range plans {
		for _, pc := range v.pieces {
			if pc.node.kind != kindFile {
				continue
			}
			if pc.part == 1 {
				m.splits = append(m.splits, splitFile{path: pc.node.path, parts: pc.parts})
			}
			m.files = append(m.files, listedFile{seq: i + 1, path: pieceParent(pc) + pc.name()})
		}
	}
	return m
}

// pieceParent is the path prefix of a piece's directory.
func pieceParent(pc piece) string {
	if p := pc.node.parent.path; p != "" {
		return p + "/"
	}
	return ""
}

// finalManifest lists the written volumes with their hashes.
func (s *set) finalManifest() *manifest {
	m := &manifest{setID: s.setID}
	for _, v := range s.vols {
		m.ids = append(m.ids, v.id)
		walkEntries(v.root, func(e *entry) {
			if e.kind != kindFile || e == v.manifest {
				return
			}
			m.files = append(m.files, listedFile{seq: v.seq, path: e.path, sum: e.ext.sum})
			if of := e.ext.of; of.part == 1 {
				m.splits = append(m.splits, splitFile{path: of.node.path, parts: of.parts, sum: of.node.leader.sum})
			}
		})
	}
	return m
}

// volumeID is the identifier of volume seq: the given one for volume 1,
// "ID_seq" (ID cut to fit 32 characters) for the others.
func volumeID(id string, seq int) string {
	if seq == 1 {
		return id
	}
	sfx := "_" + strconv.Itoa(seq)
	return id[:min(len(id), 32-len(sfx))] + sfx
}

// deriveSetID is the default Volume Set Identifier: "CAIRN_" and 32 hex
// digits of a sha256 over the volume ID, the epoch, the boot and split
// settings and every entry's path, type, mode, owner, size, symlink
// target and content hash. It is computed once all data is written.
func (s *set) deriveSetID() string {
	h := sha256.New()
	o := s.opts
	fmt.Fprintf(h, "cairn iso9660 volume set\nvolume-id %q\nepoch %d\nmax-volume-size %d\nbios %q\nefi %x\n",
		o.VolumeID, o.Epoch, o.MaxVolumeSize, o.BIOSImage, s.efiSum())
	walkNodes(s.root, func(n *node) {
		fmt.Fprintf(h, "%d %o %d %d %d %x %q %q\n", n.kind, n.mode, n.uid, n.gid, n.size, n.leader.sum, n.target, n.path)
	})
	return "CAIRN_" + strings.ToUpper(hex.EncodeToString(h.Sum(nil)[:16]))
}

// derivedSetIDLen is the length of a derived set ID.
const derivedSetIDLen = len("CAIRN_") + 32
