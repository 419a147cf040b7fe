package debunpack

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// FuzzArReader checks that the ar reader never panics, that a member
// reads exactly its declared size or fails, and that every failure is a
// format error.
func FuzzArReader(f *testing.F) {
	f.Add(arArchive(arFile{"debian-binary", []byte("2.0\n")}, arFile{"odd", []byte("abc")}))
	f.Add(arArchive(arFile{"a/", nil}, arFile{"b", []byte("x")}))
	f.Add([]byte(arMagic + "short header"))
	f.Add([]byte(arMagic + strings.Repeat(" ", 48) + "9999999999`\n"))
	f.Add([]byte("!<arch>\n/               0           0     0     644     4         `\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ar, err := newArReader(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("newArReader: %v is not a format error", err)
			}
			return
		}
		for range 64 {
			m, err := ar.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				if !errors.Is(err, ErrFormat) {
					t.Fatalf("Next: %v is not a format error", err)
				}
				return
			}
			n, err := io.Copy(io.Discard, ar.Reader())
			if err == nil && n != m.Size {
				t.Fatalf("member %q: read %d bytes, header says %d", m.Name, n, m.Size)
			}
			if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("member %q: %v", m.Name, err)
			}
		}
	})
}

// FuzzControl checks that a control file that parses renders a status
// entry that parses again, with the same values.
func FuzzControl(f *testing.F) {
	f.Add(minimalControl, "/etc/a\nremove-on-upgrade /etc/b\n")
	f.Add(synthControl, "")
	f.Add("Package: x\nVersion: 1\nArchitecture: all\nX-Field:\n line\n", "/e")
	f.Fuzz(func(t *testing.T, control, conffilesText string) {
		p, err := parseControl(control)
		if err != nil {
			return
		}
		conffiles, err := parseConffiles(conffilesText)
		if err != nil {
			return
		}
		status := renderStatus(p, conffiles)
		q, err := parseControl(status)
		if err != nil {
			t.Fatalf("status entry does not parse: %v\n%s", err, status)
		}
		if q.Get("Status") != unpackedStatus {
			t.Fatalf("Status %q", q.Get("Status"))
		}
		for _, fl := range p {
			name := strings.ToLower(fl.Name)
			if !dropped[name] && name != "essential" && name != "protected" && name != "multi-arch" &&
				q.Get(fl.Name) != fl.Value {
				t.Fatalf("%s: %q became %q", fl.Name, fl.Value, q.Get(fl.Name))
			}
		}
	})
}
