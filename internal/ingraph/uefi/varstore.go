package uefi

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
	"unicode/utf16"
)

// Variable attributes (UEFI 2.10, 8.2).
const (
	AttrNonVolatile   = 0x01
	AttrBootService   = 0x02
	AttrRuntime       = 0x04
	AttrTimeBasedAuth = 0x20
)

// Variable is one UEFI variable to put in a store.
type Variable struct {
	Name   string
	Vendor [16]byte // on-disk byte order
	Attr   uint32
	// Time is the timestamp of a time-based authenticated variable: a
	// later update must carry a later one.
	Time time.Time
	Data []byte
}

// Layout of edk2's variable store (MdeModulePkg VariableFormat.h):
// a firmware volume header, the store header, then variables each
// starting on 4 bytes, names and data unpadded.
const (
	fvSignatureAt   = 40
	fvHeaderLenAt   = 48
	storeHeaderSize = 28
	varHeaderSize   = 60 // AUTHENTICATED_VARIABLE_HEADER
	varStartID      = 0x55aa
	varAdded        = 0x3f
	storeFormatted  = 0x5a
	storeHealthy    = 0xfe
)

// SecureBoot is the set of variables that make edk2 firmware enforce
// Secure Boot from its first start: db, KEK and PK as signature lists of
// the given certificates (DER), SecureBootEnable set and CustomMode off,
// as OVMF's EnrollDefaultKeys leaves them. t stamps the authenticated
// variables.
func SecureBoot(pk []byte, kek, db [][]byte, t time.Time) ([]Variable, error) {
	pkList, err := SignatureLists([][]byte{pk})
	if err != nil {
		return nil, fmt.Errorf("PK: %w", err)
	}
	kekList, err := SignatureLists(kek)
	if err != nil {
		return nil, fmt.Errorf("KEK: %w", err)
	}
	dbList, err := SignatureLists(db)
	if err != nil {
		return nil, fmt.Errorf("db: %w", err)
	}
	auth := uint32(AttrNonVolatile | AttrBootService | AttrRuntime | AttrTimeBasedAuth)
	return []Variable{
		{Name: "db", Vendor: imageSecurityDB, Attr: auth, Time: t, Data: dbList},
		{Name: "KEK", Vendor: globalVariable, Attr: auth, Time: t, Data: kekList},
		{Name: "PK", Vendor: globalVariable, Attr: auth, Time: t, Data: pkList},
		{Name: "SecureBootEnable", Vendor: secureBootEnable, Attr: AttrNonVolatile | AttrBootService, Data: []byte{1}},
		{Name: "CustomMode", Vendor: customModeEnable, Attr: AttrNonVolatile | AttrBootService, Data: []byte{0}},
	}, nil
}

// Enroll returns a copy of the variable store template (an OVMF_VARS or
// AAVMF_VARS file) holding vars: the template's live variables are kept
// unless vars replaces them (same name and vendor), the store is written
// compacted, and the rest of the file (the fault-tolerant write areas,
// AAVMF's padding) is the template's.
func Enroll(template []byte, vars []Variable) ([]byte, error) {
	le := binary.LittleEndian
	if len(template) >= 0x48+storeHeaderSize && bytes.Equal(template[:0x48], make([]byte, 0x48)) {
		return nil, errors.New("an unformatted flash image (all zeros), which the firmware formats at its first start; give a formatted store, such as Debian's AAVMF_VARS.snakeoil.fd (its keys are replaced)")
	}
	if len(template) < 0x48+storeHeaderSize || string(template[fvSignatureAt:fvSignatureAt+4]) != "_FVH" || !bytes.Equal(template[16:32], systemNvDataFv[:]) {
		return nil, errors.New("not an edk2 variable store (no NV data firmware volume header): give OVMF_VARS*.fd or AAVMF_VARS.fd")
	}
	hl := int(le.Uint16(template[fvHeaderLenAt:]))
	if hl+storeHeaderSize > len(template) {
		return nil, errors.New("variable store header runs past the file")
	}
	sig := efiGUID(template[hl : hl+16])
	switch sig {
	case authenticatedStore:
	case plainStore:
		return nil, errors.New("this variable store holds no authenticated variables: its firmware was built without Secure Boot; use OVMF_VARS_4M.fd with OVMF_CODE_4M.secboot.fd")
	default:
		return nil, fmt.Errorf("variable store of unknown format %x", sig)
	}
	size := int(le.Uint32(template[hl+16:]))
	end := hl + size
	if end > len(template) || template[hl+20] != storeFormatted || template[hl+21] != storeHealthy {
		return nil, errors.New("variable store is damaged or not formatted")
	}
	replaced := map[string]bool{}
	for _, v := range vars {
		replaced[string(v.Vendor[:])+"/"+v.Name] = true
	}
	var store []byte
	for off := hl + storeHeaderSize; off+varHeaderSize <= end && le.Uint16(template[off:]) == varStartID; {
		ns, ds := int(le.Uint32(template[off+36:])), int(le.Uint32(template[off+40:]))
		next := off + varHeaderSize + ns + ds
		if ns < 0 || ds < 0 || next > end {
			return nil, fmt.Errorf("variable at %#x runs past the store", off)
		}
		if template[off+2] == varAdded {
			name := decodeName(template[off+varHeaderSize : off+varHeaderSize+ns])
			if !replaced[string(template[off+44:off+60])+"/"+name] {
				store = append(store, template[off:next]...)
				store = pad4(store)
			}
		}
		off = (next + 3) &^ 3
	}
	for _, v := range vars {
		store = append(store, encodeVariable(v)...)
		store = pad4(store)
	}
	start := hl + storeHeaderSize
	if start+len(store) > end {
		return nil, fmt.Errorf("the variables take %d bytes; the store holds %d", len(store), end-start)
	}
	out := bytes.Clone(template)
	copy(out[start:], store)
	for i := start + len(store); i < end; i++ {
		out[i] = 0xff
	}
	return out, nil
}

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0xff)
	}
	return b
}

// encodeVariable is an AUTHENTICATED_VARIABLE_HEADER, the name (UTF-16,
// NUL-terminated) and the data.
func encodeVariable(v Variable) []byte {
	le := binary.LittleEndian
	name := encodeName(v.Name)
	b := make([]byte, varHeaderSize, varHeaderSize+len(name)+len(v.Data))
	le.PutUint16(b[0:], varStartID)
	b[2] = varAdded
	le.PutUint32(b[4:], v.Attr)
	// MonotonicCount (8 bytes) stays 0.
	if v.Attr&AttrTimeBasedAuth != 0 {
		copy(b[16:32], efiTime(v.Time))
	}
	// PubKeyIndex stays 0.
	le.PutUint32(b[36:], uint32(len(name)))
	le.PutUint32(b[40:], uint32(len(v.Data)))
	copy(b[44:60], v.Vendor[:])
	b = append(b, name...)
	return append(b, v.Data...)
}

func encodeName(s string) []byte {
	u := utf16.Encode([]rune(s + "\x00"))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

func decodeName(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	for len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	return string(utf16.Decode(u))
}

// efiTime is an EFI_TIME in UTC.
func efiTime(t time.Time) []byte {
	t = t.UTC()
	b := make([]byte, 16)
	binary.LittleEndian.PutUint16(b[0:], uint16(t.Year()))
	b[2], b[3], b[4], b[5], b[6] = byte(t.Month()), byte(t.Day()), byte(t.Hour()), byte(t.Minute()), byte(t.Second())
	return b
}
