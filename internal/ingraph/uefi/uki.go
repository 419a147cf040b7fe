package uefi

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cairn-build/cairn/internal/ingraph/authenticode"
)

// Section is a named blob for a PE image: ".linux", ".initrd",
// ".cmdline", ".osrel", as systemd's stub reads them.
type Section struct {
	Name string
	Data []byte
}

// Section characteristics: initialized data, readable.
const sectionReadData = 0x40000040

// UKI appends sections to a copy of an EFI stub (systemd's
// linuxx64.efi.stub or linuxaa64.efi.stub), as ukify and objcopy
// --add-section do: each gets a header in the stub's section table, a
// virtual address after the stub's last section and file space at the
// end, aligned as the stub's optional header says, and SizeOfImage grows
// to cover them. The stub must be unsigned and must have room for the
// headers before its first section's data.
func UKI(stub []byte, secs []Section) ([]byte, error) {
	le := binary.LittleEndian
	h, err := authenticode.ReadHeaders(stub)
	if err != nil {
		return nil, fmt.Errorf("the stub: %w", err)
	}
	if h.Signed(stub) {
		return nil, errors.New("the stub is signed; give the unsigned stub (the UKI is signed as a whole)")
	}
	coff, opt, nsec, table := h.COFF, h.Opt, h.NSections, h.Sections
	secAlign, fileAlign := int(le.Uint32(stub[opt+32:])), int(le.Uint32(stub[opt+36:]))
	headers := int(le.Uint32(stub[opt+60:]))
	if secAlign <= 0 || fileAlign <= 0 || headers > len(stub) {
		return nil, errors.New("the stub's PE optional header is damaged")
	}
	room := headers
	var nextVA int
	for i := range nsec {
		s := table + 40*i
		name := string(bytes.TrimRight(stub[s:s+8], "\x00"))
		for _, n := range secs {
			if n.Name == name {
				return nil, fmt.Errorf("the stub already has a %s section", name)
			}
		}
		vsize, va := int(le.Uint32(stub[s+8:])), int(le.Uint32(stub[s+12:]))
		raw, ptr := int(le.Uint32(stub[s+16:])), int(le.Uint32(stub[s+20:]))
		nextVA = max(nextVA, va+max(vsize, raw))
		if raw > 0 && ptr > 0 {
			room = min(room, ptr)
		}
	}
	// The headers' space after the table is padding (zeros, or NOPs in
	// systemd's arm64 stub, whose header is hand-written assembly).
	if table+40*(nsec+len(secs)) > room {
		return nil, fmt.Errorf("the stub has no room for %d more section headers", len(secs))
	}
	out := bytes.Clone(stub)
	out = append(out, make([]byte, alignUp(len(out), fileAlign)-len(out))...)
	nextVA = alignUp(nextVA, secAlign)
	var initData int
	for i, sec := range secs {
		if len(sec.Name) > 8 || sec.Name == "" {
			return nil, fmt.Errorf("section name %q: want 1 to 8 bytes", sec.Name)
		}
		raw := alignUp(len(sec.Data), fileAlign)
		h := out[table+40*(nsec+i) : table+40*(nsec+i+1)]
		clear(h) // no relocations or line numbers; the padding gone
		copy(h[:8], sec.Name)
		le.PutUint32(h[8:], uint32(len(sec.Data)))
		le.PutUint32(h[12:], uint32(nextVA))
		le.PutUint32(h[16:], uint32(raw))
		le.PutUint32(h[20:], uint32(len(out)))
		le.PutUint32(h[36:], sectionReadData)
		out = append(out, sec.Data...)
		out = append(out, make([]byte, raw-len(sec.Data))...)
		nextVA += alignUp(len(sec.Data), secAlign)
		initData += raw
	}
	le.PutUint16(out[coff+2:], uint16(nsec+len(secs)))
	le.PutUint32(out[opt+8:], le.Uint32(out[opt+8:])+uint32(initData))
	le.PutUint32(out[opt+56:], uint32(nextVA))
	le.PutUint32(out[opt+64:], 0) // CheckSum: efi_sign() writes it
	return out, nil
}

func alignUp(n, a int) int { return (n + a - 1) / a * a }
