package uefi

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"encoding/pem"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/testutil"
)

func TestUKISections(t *testing.T) {
	stub := testutil.PE(t)
	secs := []Section{{".osrel", []byte("ID=cairn\n")}, {".cmdline", []byte("console=ttyS0")}, {".initrd", bytes.Repeat([]byte{7}, 5000)}, {".linux", []byte("MZ kernel")}}
	uki, err := UKI(stub, secs)
	if err != nil {
		t.Fatal(err)
	}
	// Read back with the standard library's PE reader, not ours.
	f, err := pe.NewFile(bytes.NewReader(uki))
	if err != nil {
		t.Fatal(err)
	}
	orig, _ := pe.NewFile(bytes.NewReader(stub))
	if len(f.Sections) != len(orig.Sections)+len(secs) {
		t.Fatalf("%d sections, want %d", len(f.Sections), len(orig.Sections)+len(secs))
	}
	var end uint32
	for _, s := range f.Sections {
		if s.VirtualAddress < end {
			t.Errorf("section %s at %#x overlaps the one before (ending %#x)", s.Name, s.VirtualAddress, end)
		}
		end = s.VirtualAddress + max(s.VirtualSize, s.Size)
	}
	opt := f.OptionalHeader.(*pe.OptionalHeader64)
	if opt.SizeOfImage < end {
		t.Errorf("SizeOfImage %#x does not cover the sections (end %#x)", opt.SizeOfImage, end)
	}
	for _, want := range secs {
		s := f.Section(want.Name)
		if s == nil {
			t.Fatalf("no %s section", want.Name)
		}
		data, _ := s.Data()
		if !bytes.Equal(data[:s.VirtualSize], want.Data) || s.VirtualAddress%opt.SectionAlignment != 0 || s.Offset%opt.FileAlignment != 0 {
			t.Errorf("%s: %d bytes at va %#x, file %#x; want its data aligned", want.Name, s.VirtualSize, s.VirtualAddress, s.Offset)
		}
	}
	// Header padding that is not zeros (systemd's arm64 stub has NOPs
	// there) does not reach the new headers.
	padded := bytes.Clone(stub)
	table := 0
	{
		f, _ := pe.NewFile(bytes.NewReader(stub))
		off := int(binary.LittleEndian.Uint32(stub[0x3c:])) + 24 + int(f.FileHeader.SizeOfOptionalHeader)
		table = off + 40*len(f.Sections)
	}
	for i := table; i < table+40*len(secs); i++ {
		padded[i] = 0x1f
	}
	if u, err := UKI(padded, secs); err != nil {
		t.Error(err)
	} else if f, err := pe.NewFile(bytes.NewReader(u)); err != nil || f.Section(".linux") == nil {
		t.Errorf("a stub with padding in its headers: %v", err)
	}
	if _, err := UKI(uki, []Section{{".linux", []byte("x")}}); err == nil || !strings.Contains(err.Error(), "already has a .linux") {
		t.Errorf("a second .linux: %v", err)
	}
	if _, err := UKI([]byte("not a PE file at all, but long enough to look at its header"), secs); err == nil {
		t.Error("a non-PE stub was accepted")
	}
}

// ovmfVars is the empty variable store of Debian's ovmf package; the
// snakeoil one has Debian's test key enrolled by OVMF's own
// EnrollDefaultKeys.
const (
	ovmfVars     = "/usr/share/OVMF/OVMF_VARS_4M.fd"
	ovmfSnakeoil = "/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd"
	snakeoilCert = "/usr/share/ovmf/PkKek-1-snakeoil.pem"
)

func readFirmware(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("Debian's ovmf package is needed (make setup installs it): %v", err)
	}
	return b
}

// TestEnrollMatchesEnrollDefaultKeys: the variables cairn writes for a
// certificate are those OVMF's own enrolment wrote for it (Debian's
// snakeoil store), but for the signature owner cairn derives.
func TestEnrollMatchesEnrollDefaultKeys(t *testing.T) {
	block, _ := pem.Decode(readFirmware(t, snakeoilCert))
	vars, err := SecureBoot(block.Bytes, [][]byte{block.Bytes}, [][]byte{block.Bytes}, time.Unix(1700000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	store, err := Enroll(readFirmware(t, ovmfVars), vars)
	if err != nil {
		t.Fatal(err)
	}
	ours, theirs := liveVars(t, store), liveVars(t, readFirmware(t, ovmfSnakeoil))
	for _, name := range []string{"PK", "KEK", "db", "SecureBootEnable", "CustomMode"} {
		a, b := ours[name], theirs[name]
		if a.Attr != b.Attr || len(a.Data) != len(b.Data) {
			t.Errorf("%s: attributes %#x, %d bytes; EnrollDefaultKeys wrote %#x, %d bytes", name, a.Attr, len(a.Data), b.Attr, len(b.Data))
			continue
		}
		if len(a.Data) > 44 { // a signature list: the owner GUID differs
			a.Data, b.Data = bytes.Clone(a.Data), bytes.Clone(b.Data)
			copy(a.Data[28:44], make([]byte, 16))
			copy(b.Data[28:44], make([]byte, 16))
		}
		if !bytes.Equal(a.Data, b.Data) {
			t.Errorf("%s differs from what EnrollDefaultKeys wrote", name)
		}
	}
	if got := ours["PK"].Time.Unix(); got != 1700000000 {
		t.Errorf("PK timestamp %v", ours["PK"].Time)
	}
	again, _ := Enroll(store, vars)
	if !bytes.Equal(again, store) {
		t.Error("enrolling the same variables again changed the store")
	}
	if len(store) != len(readFirmware(t, ovmfVars)) {
		t.Error("the store changed size")
	}
}

// TestEnrollReplacesKeys: enrolling into a store that has keys (Debian's
// AAVMF snakeoil store, the formatted arm64 one) replaces them and keeps
// the firmware's other variables.
func TestEnrollReplacesKeys(t *testing.T) {
	theirs := readFirmware(t, "/usr/share/AAVMF/AAVMF_VARS.snakeoil.fd")
	_, cert := testutil.RSACert(t, "cairn test db")
	block, _ := pem.Decode(cert)
	vars, err := SecureBoot(block.Bytes, [][]byte{block.Bytes}, [][]byte{block.Bytes}, time.Unix(1700000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	store, err := Enroll(theirs, vars)
	if err != nil {
		t.Fatal(err)
	}
	ours, before := liveVars(t, store), liveVars(t, theirs)
	want, _ := SignatureLists([][]byte{block.Bytes})
	for _, name := range []string{"PK", "KEK", "db"} {
		if !bytes.Equal(ours[name].Data, want) {
			t.Errorf("%s is not the new certificate's list", name)
		}
	}
	if !bytes.Equal(ours["dbx"].Data, before["dbx"].Data) || !bytes.Equal(ours["Boot0000"].Data, before["Boot0000"].Data) {
		t.Error("the store lost the firmware's other variables")
	}
	if _, err := Enroll(readFirmware(t, "/usr/share/AAVMF/AAVMF_VARS.fd"), vars); err == nil || !strings.Contains(err.Error(), "unformatted") {
		t.Errorf("unformatted flash as template: %v", err)
	}
}

func TestEnrollRefusesOtherFiles(t *testing.T) {
	if _, err := Enroll(testutil.PE(t), nil); err == nil || !strings.Contains(err.Error(), "OVMF_VARS") {
		t.Errorf("a PE file as template: %v", err)
	}
	plain := bytes.Clone(readFirmware(t, ovmfVars))
	copy(plain[0x48:], plainStore[:])
	if _, err := Enroll(plain, nil); err == nil || !strings.Contains(err.Error(), "without Secure Boot") {
		t.Errorf("a store without authenticated variables: %v", err)
	}
}

// liveVars reads a store's added variables by name (the last one wins).
func liveVars(t *testing.T, d []byte) map[string]Variable {
	le := binary.LittleEndian
	hl := int(le.Uint16(d[fvHeaderLenAt:]))
	end := hl + int(le.Uint32(d[hl+16:]))
	out := map[string]Variable{}
	for off := hl + storeHeaderSize; off+varHeaderSize <= end && le.Uint16(d[off:]) == varStartID; {
		ns, ds := int(le.Uint32(d[off+36:])), int(le.Uint32(d[off+40:]))
		if d[off+2] == varAdded {
			v := Variable{Name: decodeName(d[off+60 : off+60+ns]), Attr: le.Uint32(d[off+4:]), Vendor: efiGUID(d[off+44 : off+60]), Data: d[off+60+ns : off+60+ns+ds]}
			ts := d[off+16:]
			v.Time = time.Date(int(le.Uint16(ts)), time.Month(ts[2]), int(ts[3]), int(ts[4]), int(ts[5]), int(ts[6]), 0, time.UTC)
			out[v.Name] = v
		}
		off = (off + varHeaderSize + ns + ds + 3) &^ 3
	}
	return out
}
