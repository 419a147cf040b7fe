package diskimg

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// gptTypes maps type aliases to GPT partition type GUIDs (UEFI and the
// Discoverable Partitions Specification).
var gptTypes = map[string]string{
	"linux":             "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
	"esp":               "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
	"bios-boot":         "21686148-6449-6E6F-744E-656564454649",
	"swap":              "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F",
	"fat32":             "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7",
	"msdata":            "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7",
	"linux-root-x86-64": "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709",
	"linux-root-arm64":  "B921B045-1DF0-41C3-AF44-4C6F280D3FAE",
	"xbootldr":          "BC13C2FF-59E6-4262-A352-B275FD6F7172",
}

// mbrTypes maps type aliases to MBR system ids.
var mbrTypes = map[string]byte{
	"fat32": 0x0c,
	"fat16": 0x0e,
	"linux": 0x83,
	"esp":   0xef,
	"swap":  0x82,
}

// partType is a resolved partition type: a GUID for GPT, a system id for
// MBR, and its canonical text.
type partType struct {
	guid GUID
	code byte
	text string
}

// resolveType resolves an alias or literal for the given table.
func resolveType(table, s string) (partType, error) {
	if table == GPT {
		return gptType(s)
	}
	return mbrType(s)
}

// gptType resolves a GPT alias or GUID literal.
func gptType(s string) (partType, error) {
	if lit, ok := gptTypes[s]; ok {
		s = lit
	}
	g, err := ParseGUID(s)
	if err != nil || g == (GUID{}) {
		return partType{}, fmt.Errorf("unknown GPT partition type %q: want one of %s or a non-zero GUID like %s",
			s, aliases(gptTypes), gptTypes["linux"])
	}
	return partType{guid: g, text: g.String()}, nil
}

// mbrType resolves an MBR alias or "0xNN" literal.
func mbrType(s string) (partType, error) {
	code, ok := mbrTypes[s]
	if !ok {
		v, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(s), "0x"), 16, 8)
		if !strings.HasPrefix(strings.ToLower(s), "0x") || err != nil {
			return partType{}, fmt.Errorf("unknown MBR partition type %q: want one of %s or a literal like \"0x0c\"",
				s, aliases(mbrTypes))
		}
		code = byte(v)
	}
	switch code {
	case 0x00:
		return partType{}, fmt.Errorf("MBR partition type %q marks an unused entry: pick a real type", s)
	case 0x05, 0x0f, 0x85:
		return partType{}, fmt.Errorf("MBR partition type %q is an extended partition, which is not supported: use table = \"gpt\" for more than 4 partitions", s)
	}
	return partType{code: code, text: fmt.Sprintf("0x%02x", code)}, nil
}

// aliases lists a table's aliases, sorted and quoted.
func aliases[V any](m map[string]V) string {
	var names []string
	for k := range m {
		names = append(names, strconv.Quote(k))
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
