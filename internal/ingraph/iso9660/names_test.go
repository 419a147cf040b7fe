package iso9660

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

func TestISONames(t *testing.T) {
	nm := newNamer()
	for _, tc := range []struct {
		name string
		dir  bool
		want string
	}{
		{"vmlinuz", false, "VMLINUZ.;1"},
		{"initrd.img-6.1.0", false, "INITRD_I.0;1"},
		{"README.md", false, "README.MD;1"},
		{"readme.MD", false, "README_1.MD;1"},
		{".bashrc", false, "_BASHRC.;1"},
		{"x86_64-linux-gnu", true, "X86_64_L"},
		{"x86_64-linux-gnu.conf", true, "X86_64_1"},
		{"café", false, "CAF_.;1"},
		{"vmlinuz", true, "VMLINU_1"}, // "VMLINUZ.;1" reads as "vmlinuz" without Rock Ridge
	} {
		if got := string(nm.iso(tc.name, tc.dir)); got != tc.want {
			t.Errorf("iso(%q, dir=%v) = %q, want %q", tc.name, tc.dir, got, tc.want)
		}
	}
}

func TestJolietNamesUnit(t *testing.T) {
	nm := newNamer()
	dec := func(b []byte) string { return string(utf16.Decode(jolietDecode(b))) }
	long := strings.Repeat("a", 80) + ".tar.gz"
	for _, tc := range []struct {
		name string
		dir  bool
		want string
	}{
		{"Hello World.txt", false, "Hello World.txt;1"},
		{"what?", false, "what_;1"},
		{"what*", false, "what__1;1"},
		{long, false, strings.Repeat("a", 61) + ".gz;1"},
		{long + "x", false, strings.Repeat("a", 60) + ".gzx;1"},
		{strings.Repeat("c", 70) + ".a-very-long-extension", false, strings.Repeat("c", 64) + ";1"},
		{strings.Repeat("😀", 40), true, strings.Repeat("😀", 32)},
		{strings.Repeat("b", 63) + "😀", true, strings.Repeat("b", 63)},
	} {
		if got := dec(nm.joliet(tc.name, tc.dir)); got != tc.want {
			t.Errorf("joliet(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestIdentifierOrder(t *testing.T) {
	ids := []string{"A.B;1", "AB.;1", "A_1.;1", "A.;1", "B", "A"}
	slices.SortFunc(ids, func(a, b string) int {
		return newIdentKey(isoUnits([]byte(a))).compare(newIdentKey(isoUnits([]byte(b))))
	})
	want := []string{"A", "A.;1", "A.B;1", "AB.;1", "A_1.;1", "B"}
	if !slices.Equal(ids, want) {
		t.Errorf("order %q, want %q (ECMA-119 9.3: name, then extension, space padded)", ids, want)
	}
}

// decodeSL rebuilds a symlink target from SL entries, as Linux does.
func decodeSL(entries [][]byte) string {
	var b strings.Builder
	for i, e := range entries {
		body := e[5:e[2]]
		for len(body) > 1 {
			flags, n := body[0], int(body[1])
			switch flags &^ 1 {
			case 0:
				b.Write(body[2 : 2+n])
			case 2:
				b.WriteString(".")
			case 4:
				b.WriteString("..")
			case 8:
				b.WriteString("/")
			}
			body = body[2+n:]
			last := len(body) < 2
			if flags&1 == 0 && flags != 8 && (!last || (e[4]&1 != 0 && i < len(entries)-1)) {
				b.WriteString("/")
			}
		}
	}
	return b.String()
}

func TestSymlinkEntries(t *testing.T) {
	for _, target := range []string{"sh", "/bin/sh", "../lib/./x", "/", strings.Repeat("d/", 200) + "f",
		strings.Repeat("c", 600) + "/end", "a/" + strings.Repeat("b", 247) + "/c"} {
		entries := slEntries(target)
		for _, e := range entries {
			if len(e) > suEntryMax || int(e[2]) != len(e) {
				t.Errorf("%q: entry of %d bytes, length field %d", target, len(e), e[2])
			}
		}
		if got := decodeSL(entries); got != target {
			t.Errorf("SL entries decode to %q, want %q", got, target)
		}
	}
}

func TestSystemUseSplit(t *testing.T) {
	entries := append([][]byte{pxEntry(attrs{}), tfEntry(stamp{})}, nmEntries(strings.Repeat("n", 255))...)
	entries = append(entries, slEntries(strings.Repeat("x/", 2000))...)
	p := planSU(entries, recordMax-baseLen([]byte("ABCDEFGH.ABC;1")))
	n := total(p.inline)
	for _, a := range p.areas() {
		if a.length() > sectorSize {
			t.Errorf("continuation area of %d bytes spans sectors", a.length())
		}
		n += total(a.entries)
	}
	if n != total(entries) || p.inlineLen()+baseLen([]byte("ABCDEFGH.ABC;1")) > recordMax || len(p.areas()) < 2 {
		t.Errorf("split kept %d of %d bytes over %d areas", n, total(entries), len(p.areas()))
	}
	if nm := nmEntries(strings.Repeat("n", 255)); len(nm) != 2 || nm[0][4] != 1 || nm[1][4] != 0 {
		t.Error("a 255-byte name needs two NM entries, the first flagged CONTINUE")
	}
}
