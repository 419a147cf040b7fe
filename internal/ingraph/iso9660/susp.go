package iso9660

import (
	"strings"
)

// Rock Ridge (RRIP 1.12 on SUSP 1.12) entries. Every entry is at most 255
// bytes; long names and symlink targets are spread over several NM or SL
// entries with their CONTINUE flags.
const (
	suEntryMax = 255
	ceLen      = 28
	pxLen      = 44
	tfLen      = 5 + 3*7
	nmChunk    = suEntryMax - 5
	slCompMax  = suEntryMax - 5 - 2
	erID       = "RRIP_1991A"
	erDesc     = "THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS"
	erSource   = "PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE.  SEE PUBLISHER IDENTIFIER IN PRIMARY VOLUME DESCRIPTOR FOR CONTACT INFORMATION."
)

// suHeader starts an entry of length n with signature sig, version 1.
func suHeader(sig string, n int) []byte {
	b := make([]byte, n)
	copy(b, sig)
	b[2], b[3] = byte(n), 1
	return b
}

// spEntry marks the root's "." record as using SUSP.
func spEntry() []byte {
	b := suHeader("SP", 7)
	b[4], b[5] = 0xBE, 0xEF
	return b
}

// erEntry announces Rock Ridge.
func erEntry() []byte {
	b := suHeader("ER", 8+len(erID)+len(erDesc)+len(erSource))
	b[4], b[5], b[6], b[7] = byte(len(erID)), byte(len(erDesc)), byte(len(erSource)), 1
	copy(b[8:], erID+erDesc+erSource)
	return b
}

// attrs are the POSIX attributes of one directory record.
type attrs struct {
	mode, nlink, uid, gid, ino uint32
}

// pxEntry holds mode, link count, owner and serial number.
func pxEntry(a attrs) []byte {
	b := suHeader("PX", pxLen)
	for i, v := range []uint32{a.mode, a.nlink, a.uid, a.gid, a.ino} {
		putBoth32(b[4+8*i:], v)
	}
	return b
}

// tfEntry records modification, access and attribute-change times, all
// the epoch.
func tfEntry(s stamp) []byte {
	b := suHeader("TF", tfLen)
	b[4] = 0x0E
	for i := 0; i < 3; i++ {
		s.short(b[5+7*i:])
	}
	return b
}

// nmEntries spell name in as many NM entries as it needs.
func nmEntries(name string) [][]byte {
	var out [][]byte
	for {
		chunk := name[:min(len(name), nmChunk)]
		name = name[len(chunk):]
		b := suHeader("NM", 5+len(chunk))
		copy(b[5:], chunk)
		out = append(out, b)
		if name == "" {
			return out
		}
		b[4] = 1 // CONTINUE
	}
}

// slComponent is one component record of an SL entry.
type slComponent struct {
	flags byte
	text  string
}

// slComponents splits a symlink target into component records: ROOT for a
// leading "/", CURRENT and PARENT for "." and "..", empty components
// dropped, components longer than an entry can hold continued.
func slComponents(target string) []slComponent {
	var cs []slComponent
	if strings.HasPrefix(target, "/") {
		cs = append(cs, slComponent{flags: 0x08})
	}
	for _, p := range strings.Split(target, "/") {
		switch p {
		case "":
		case ".":
			cs = append(cs, slComponent{flags: 0x02})
		case "..":
			cs = append(cs, slComponent{flags: 0x04})
		default:
			for len(p) > slCompMax {
				cs = append(cs, slComponent{0x01, p[:slCompMax]})
				p = p[slCompMax:]
			}
			cs = append(cs, slComponent{0, p})
		}
	}
	return cs
}

// slEntries packs a symlink target's component records into SL entries,
// each but the last flagged CONTINUE.
func slEntries(target string) [][]byte {
	var out [][]byte
	body := []byte{}
	flush := func() {
		b := suHeader("SL", 5+len(body))
		copy(b[5:], body)
		out = append(out, b)
		body = []byte{}
	}
	for _, c := range slComponents(target) {
		if 5+len(body)+2+len(c.text) > suEntryMax {
			flush()
			out[len(out)-1][4] = 1 // CONTINUE
		}
		body = append(append(body, c.flags, byte(len(c.text))), c.text...)
	}
	flush()
	return out
}

// ceEntry points at the next continuation area.
func ceEntry(a *ceArea) []byte {
	b := suHeader("CE", ceLen)
	putBoth32(b[4:], a.lba)
	putBoth32(b[12:], a.off)
	putBoth32(b[20:], uint32(a.length()))
	return b
}

// ceArea is one continuation area: entries that did not fit the
// directory record, in a single sector, chained by CE to the next area.
type ceArea struct {
	entries [][]byte
	next    *ceArea
	lba     uint32
	off     uint32
}

// length is the area's size, its trailing CE included.
func (a *ceArea) length() int {
	n := total(a.entries)
	if a.next != nil {
		n += ceLen
	}
	return n
}

// bytes serialises the area; its successor must be placed.
func (a *ceArea) bytes() []byte {
	b := joinEntries(a.entries)
	if a.next != nil {
		b = append(b, ceEntry(a.next)...)
	}
	return b
}

// suPlan is a record's System Use field: what fits inline, then a chain
// of continuation areas.
type suPlan struct {
	inline [][]byte
	first  *ceArea
}

// planSU fits entries into room bytes inline (keeping ceLen for a CE) and
// continuation areas of at most one sector each.
func planSU(entries [][]byte, room int) suPlan {
	if total(entries) <= room {
		return suPlan{inline: entries}
	}
	n := fitting(entries, room-ceLen)
	p := suPlan{inline: entries[:n]}
	var prev *ceArea
	for rest := entries[n:]; len(rest) > 0; {
		k := len(rest)
		if total(rest) > sectorSize {
			k = fitting(rest, sectorSize-ceLen)
		}
		a := &ceArea{entries: rest[:k]}
		if prev == nil {
			p.first = a
		} else {
			prev.next = a
		}
		prev, rest = a, rest[k:]
	}
	return p
}

// inlineLen is the size of the inline part, its CE included.
func (p suPlan) inlineLen() int {
	n := total(p.inline)
	if p.first != nil {
		n += ceLen
	}
	return n
}

// inlineBytes serialises the inline part; areas must be placed.
func (p suPlan) inlineBytes() []byte {
	b := joinEntries(p.inline)
	if p.first != nil {
		b = append(b, ceEntry(p.first)...)
	}
	return b
}

// areas lists the plan's continuation areas in chain order.
func (p suPlan) areas() []*ceArea {
	var out []*ceArea
	for a := p.first; a != nil; a = a.next {
		out = append(out, a)
	}
	return out
}

// fitting counts how many leading entries fit in room bytes.
func fitting(entries [][]byte, room int) int {
	n, used := 0, 0
	for n < len(entries) && used+len(entries[n]) <= room {
		used += len(entries[n])
		n++
	}
	return n
}

// total sums the entries' lengths.
func total(entries [][]byte) int {
	n := 0
	for _, e := range entries {
		n += len(e)
	}
	return n
}

// joinEntries concatenates entries.
func joinEntries(entries [][]byte) []byte {
	b := make([]byte, 0, total(entries))
	for _, e := range entries {
		b = append(b, e...)
	}
	return b
}
