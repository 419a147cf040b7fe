package fat

import (
	"encoding/binary"
	"strings"
	"syscall"
	"testing"
	"unicode/utf16"

	"github.com/cairn-build/cairn/internal/testutil"
)

// shortOf names a directory of the given entries and returns the 8.3
// names as "BASE.EXT" strings and whether each got a long name.
func shortOf(t *testing.T, names ...string) map[string]string {
	t.Helper()
	d := &node{rel: "dir"}
	for _, n := range names {
		d.kids = append(d.kids, &node{name: n, rel: "dir/" + n})
	}
	testutil.Must(t, assignNames(d))
	got := map[string]string{}
	for _, k := range d.kids {
		s := strings.TrimSpace(string(k.short[:8]))
		if ext := strings.TrimSpace(string(k.short[8:])); ext != "" {
			s += "." + ext
		}
		if k.long {
			s += " +lfn"
		}
		got[k.name] = s
	}
	return got
}

func TestShortNames(t *testing.T) {
	got := shortOf(t, "BOOTX64.EFI", "efi", "Makefile", "a.b.c.tar.gz", ".hidden", "name with spaces.txt",
		"x+y=z.txt", "héllo.txt", "verylongname1.txt", "verylongname2.txt", "VERYLO~1.TXT", "🙂.txt", "abc.defg")
	want := map[string]string{
		"BOOTX64.EFI":          "BOOTX64.EFI",
		"efi":                  "EFI +lfn",
		"Makefile":             "MAKEFILE +lfn",
		"a.b.c.tar.gz":         "ABCTAR~1.GZ +lfn",
		".hidden":              "HIDDEN~1 +lfn",
		"name with spaces.txt": "NAMEWI~1.TXT +lfn",
		"x+y=z.txt":            "X_Y_Z~1.TXT +lfn",
		"héllo.txt":            "H_LLO~1.TXT +lfn",
		"VERYLO~1.TXT":         "VERYLO~1.TXT",
		"verylongname1.txt":    "VERYLO~2.TXT +lfn",
		"verylongname2.txt":    "VERYLO~3.TXT +lfn",
		"🙂.txt":                "_~1.TXT +lfn",
		"abc.defg":             "ABC~1.DEF +lfn",
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%q: got %q, want %q", name, got[name], w)
		}
	}
}

func TestManyTails(t *testing.T) {
	var names []string
	for i := range 120 {
		names = append(names, strings.Repeat("x", 10)+string(rune('a'+i%26))+strings.Repeat("y", i/26))
	}
	got := shortOf(t, names...)
	seen := map[string]bool{}
	for _, s := range got {
		if seen[s] {
			t.Fatalf("duplicate short name %s", s)
		}
		seen[s] = true
	}
	if !seen["XXXXX~10 +lfn"] || !seen["XXXX~100 +lfn"] {
		t.Errorf("tails beyond 9 and 99 are missing: %v", got)
	}
}

func TestNameErrors(t *testing.T) {
	for _, names := range [][]string{
		{"Readme", "README"},
		{"a:b"},
		{"trailing."},
		{"trailing "},
		{"bad\x01"},
		{"\xff\xfe"},
		{strings.Repeat("é", 256)},
	} {
		d := &node{rel: "dir"}
		for _, n := range names {
			d.kids = append(d.kids, &node{name: n, rel: "dir/" + n})
		}
		err := assignNames(d)
		if err == nil || !strings.Contains(err.Error(), "dir") {
			t.Errorf("%q: got %v, want an error naming the path", names, err)
		}
	}
}

func TestChecksum(t *testing.T) {
	// Computed independently: sum = ((sum&1)<<7) + (sum>>1) + c per byte.
	if got := checksum(pack("FILENAME", "TXT")); got != 0x3a {
		t.Errorf("checksum = %#x", got)
	}
}

// TestLongNameRoundTrip decodes long-name entries, including a name
// outside the Basic Multilingual Plane (a surrogate pair), which mtools
// and fsck.fat cannot display.
func TestLongNameRoundTrip(t *testing.T) {
	for _, name := range []string{"a", "exactly13char", "exactly13chars", "🙂 smile 😀.txt", strings.Repeat("ü", 255)} {
		short := pack("X~1", "")
		b := lfnEntries(name, short)
		if len(b) != int(longEntries(name))*entrySize {
			t.Fatalf("%q: %d bytes", name, len(b))
		}
		var units []uint16
		for i := len(b) - entrySize; i >= 0; i -= entrySize {
			e := b[i : i+entrySize]
			if e[11] != attrLFN || e[13] != checksum(short) || int(e[0]&0x3F) != (len(b)-i)/entrySize {
				t.Fatalf("%q: bad entry %x", name, e)
			}
			for _, off := range lfnOffsets {
				units = append(units, binary.LittleEndian.Uint16(e[off:]))
			}
		}
		if b[0]&0x40 == 0 {
			t.Errorf("%q: first entry lacks the last-entry flag", name)
		}
		for len(units) > 0 && (units[len(units)-1] == 0xFFFF || units[len(units)-1] == 0) {
			units = units[:len(units)-1]
		}
		if got := string(utf16.Decode(units)); got != name {
			t.Errorf("round trip %q -> %q", name, got)
		}
	}
}

func TestStamp(t *testing.T) {
	for _, c := range []struct {
		epoch      int64
		date, time uint16
	}{
		{0, 1<<5 | 1, 0}, // clamped to 1980-01-01
		{315532800, 1<<5 | 1, 0},
		{1700000000, 43<<9 | 11<<5 | 14, 22<<11 | 13<<5 | 10}, // 2023-11-14 22:13:20
		{1700000001, 43<<9 | 11<<5 | 14, 22<<11 | 13<<5 | 10}, // 2 s resolution
		{1 << 40, 127<<9 | 12<<5 | 31, 23<<11 | 59<<5 | 29},   // clamped to 2107
	} {
		if s := stampOf(c.epoch); s.date != c.date || s.time != c.time {
			t.Errorf("%d: got %#x %#x, want %#x %#x", c.epoch, s.date, s.time, c.date, c.time)
		}
	}
}

func TestScanErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		make func(root string) error
		want string
	}{
		{"outside", func(r string) error { return symlink("../../etc/passwd", r+"/x") }, "x: symbolic link points outside"},
		{"dangling", func(r string) error { return symlink("missing", r+"/x") }, "x: dangling symbolic link"},
		{"loop", func(r string) error { return symlink("x", r+"/x") }, "x: too many levels"},
		{"dir loop", func(r string) error { return symlink("..", r+"/sub/up") }, "sub/up: symbolic link loop"},
		{"fifo", func(r string) error { return syscall.Mkfifo(r+"/sub/fifo", 0o644) }, "sub/fifo is a FIFO"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := makeTree(t, content{"sub": dirMark})
			testutil.Must(t, c.make(root))
			_, err := Scan(root)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
}
