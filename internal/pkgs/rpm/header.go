package rpm

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
)

// An .rpm file is a lead (96 bytes, historical), a signature header, the
// main header and the payload (a compressed cpio archive). The signature
// header holds digests and OpenPGP signatures of the main header; the
// main header holds, among the package's metadata, the digest of the
// payload. So one signature over the main header covers everything, once
// the header's own digest and the payload's are checked: rpm -K.

const (
	leadSize   = 96
	headerHead = 16 // magic (3), version (1), reserved (4), index count (4), store size (4)

	sigTagDSA    = 267 // a header-only OpenPGP signature (DSA, and EdDSA since rpm 4.16)
	sigTagRSA    = 268 // a header-only OpenPGP signature (RSA)
	sigTagSHA256 = 273 // hex SHA-256 of the main header

	tagName              = 1000
	tagVersion           = 1001
	tagRelease           = 1002
	tagEpoch             = 1003
	tagArch              = 1022
	tagPayloadDigest     = 5092 // hex digests of the compressed payload
	tagPayloadDigestAlgo = 5093 // 8: SHA-256

	typeInt32       = 4
	typeString      = 6
	typeBin         = 7
	typeStringArray = 8
)

var (
	leadMagic   = []byte{0xed, 0xab, 0xee, 0xdb}
	headerMagic = []byte{0x8e, 0xad, 0xe8, 0x01}
)

// header is one parsed header structure.
type header struct {
	raw     []byte // from the magic to the end of the store
	entries map[int32]entry
	store   []byte
}

type entry struct {
	typ           uint32
	offset, count int
}

// readHeader reads the header structure at data[off:].
func readHeader(data []byte, off int) (*header, error) {
	if len(data) < off+headerHead || !bytes.Equal(data[off:off+4], headerMagic) {
		return nil, errors.New("no header structure where one belongs")
	}
	n := int(binary.BigEndian.Uint32(data[off+8:]))
	size := int(binary.BigEndian.Uint32(data[off+12:]))
	if n > 1<<16 || size > 256<<20 {
		return nil, fmt.Errorf("a header of %d entries and %d bytes: not a package", n, size)
	}
	index := off + headerHead
	storeAt := index + 16*n
	end := storeAt + size
	if end > len(data) {
		return nil, fmt.Errorf("the header needs %d bytes, the file has %d (truncated)", end, len(data))
	}
	h := &header{raw: data[off:end], entries: map[int32]entry{}, store: data[storeAt:end]}
	for i := 0; i < n; i++ {
		e := data[index+16*i:]
		tag := int32(binary.BigEndian.Uint32(e))
		h.entries[tag] = entry{typ: binary.BigEndian.Uint32(e[4:]), offset: int(int32(binary.BigEndian.Uint32(e[8:]))), count: int(binary.BigEndian.Uint32(e[12:]))}
	}
	return h, nil
}

// strings returns a string or string-array tag's values.
func (h *header) strings(tag int32) []string {
	e, ok := h.entries[tag]
	if !ok || (e.typ != typeString && e.typ != typeStringArray && e.typ != 9) || e.offset < 0 || e.offset > len(h.store) {
		return nil
	}
	var out []string
	rest := h.store[e.offset:]
	for i := 0; i < e.count; i++ {
		j := bytes.IndexByte(rest, 0)
		if j < 0 {
			return out
		}
		out = append(out, string(rest[:j]))
		rest = rest[j+1:]
	}
	return out
}

func (h *header) str(tag int32) string {
	if s := h.strings(tag); len(s) > 0 {
		return s[0]
	}
	return ""
}

// bin returns a binary tag's bytes.
func (h *header) bin(tag int32) []byte {
	e, ok := h.entries[tag]
	if !ok || e.typ != typeBin || e.offset < 0 || e.offset+e.count > len(h.store) {
		return nil
	}
	return h.store[e.offset : e.offset+e.count]
}

// int32s returns an INT32 tag's first value.
func (h *header) int32(tag int32) (int32, bool) {
	e, ok := h.entries[tag]
	if !ok || e.typ != typeInt32 || e.count < 1 || e.offset < 0 || e.offset+4 > len(h.store) {
		return 0, false
	}
	return int32(binary.BigEndian.Uint32(h.store[e.offset:])), true
}

// Checked is what Verify found in a package file.
type Checked struct {
	Name, Arch string
	EVR        EVR
	// Signer is the OpenPGP key that signed the header ("FINGERPRINT
	// user id"); "" for an unsigned package verified with a nil keyring.
	Signer string
}

// Verify checks an .rpm file as rpm -K does before it installs one: the
// main header's SHA-256 (from the signature header), the payload's
// SHA-256 (from the main header) and, unless keyring is nil, an OpenPGP
// signature of the main header by a key of keyring. A nil keyring checks
// the digests alone (packages this build made itself).
func Verify(data []byte, keyring openpgp.EntityList) (*Checked, error) {
	sig, main, payload, err := split(data)
	if err != nil {
		return nil, err
	}
	c := &Checked{Name: main.str(tagName), Arch: main.str(tagArch),
		EVR: EVR{Version: main.str(tagVersion), Release: main.str(tagRelease)}}
	if e, ok := main.int32(tagEpoch); ok {
		c.EVR.Epoch = fmt.Sprint(e)
	}
	want := sig.str(sigTagSHA256)
	if want == "" {
		return nil, errors.New("the signature header has no header SHA-256 digest (a package from before rpm 4.14?)")
	}
	if got := sha256Hex(main.raw); got != want {
		return nil, fmt.Errorf("header SHA-256 digest is %s, the package says %s: the header was altered", got, want)
	}
	if algo, _ := main.int32(tagPayloadDigestAlgo); algo != 8 {
		return nil, fmt.Errorf("payload digest algorithm %d: cairn checks SHA-256 (8)", algo)
	}
	if got, want := sha256Hex(payload), main.str(tagPayloadDigest); got != want {
		return nil, fmt.Errorf("payload SHA-256 digest is %s, the header says %s: the payload was altered or truncated", got, want)
	}
	if keyring == nil {
		return c, nil
	}
	pkt := sig.bin(sigTagRSA)
	if pkt == nil {
		pkt = sig.bin(sigTagDSA)
	}
	if pkt == nil {
		return nil, errors.New("the package is not signed (no header signature); sign it with rpmsign --addsign, or trust the repository's packages by their digests")
	}
	signer, err := debrepo.VerifyDetached(main.raw, pkt, keyring)
	if err != nil {
		return nil, fmt.Errorf("header signature: %w", err)
	}
	c.Signer = signer
	return c, nil
}

// split finds the two headers and the payload of an .rpm file.
func split(data []byte) (sig, main *header, payload []byte, err error) {
	if len(data) < leadSize || !bytes.Equal(data[:4], leadMagic) {
		return nil, nil, nil, errors.New("not an RPM package (no lead)")
	}
	if sig, err = readHeader(data, leadSize); err != nil {
		return nil, nil, nil, fmt.Errorf("signature header: %w", err)
	}
	mainAt := leadSize + (len(sig.raw)+7)/8*8 // the signature header is padded to 8 bytes
	if main, err = readHeader(data, mainAt); err != nil {
		return nil, nil, nil, fmt.Errorf("header: %w", err)
	}
	return sig, main, data[mainAt+len(main.raw):], nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
