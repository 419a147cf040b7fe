package deb

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// FuzzReader checks that the reader never panics and that what it reads
// survives rendering and reading back: same names, same values.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		bashParagraph, "A: 1\r\n\r\nB:\n x\n .\n", "# c\nTypes: deb\nURIs: http://mirror.example/debian\n",
		"A: 1\n\tB\n \n#x\nC:", " x", "a:b\n\n\n-x: y\n", "A: 1\na: 2\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		ps, _ := readAll(in)
		var rendered strings.Builder
		for _, fields := range ps {
			p := &Paragraph{fields: fields}
			for _, fd := range fields {
				if p.Get(strings.ToUpper(fd.Name)) != fd.Value {
					t.Fatalf("Get(%q) != %q", fd.Name, fd.Value)
				}
			}
			rendered.WriteString(p.String() + "\n")
		}
		again, err := readAll(rendered.String())
		if err != nil || len(again) != len(ps) {
			t.Fatalf("reading back %q: %d paragraphs, %v; want %d", rendered.String(), len(again), err, len(ps))
		}
		for i := range ps {
			if !sameNamesValues(ps[i], again[i]) {
				t.Fatalf("round trip changed\n%+v\ninto\n%+v", ps[i], again[i])
			}
		}
	})
}

func sameNamesValues(a, b []Field) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Value != b[i].Value {
			return false
		}
	}
	return true
}

// FuzzParseRelations checks that relation parsing never panics and that
// rendering parsed relations reparses to the same thing.
func FuzzParseRelations(f *testing.F) {
	for _, s := range []string{
		"a (>= 1) | b:any, c [amd64] <!nocheck>", "libc6 (>= 2.36), libtinfo6 (>= 6)",
		"a (< 1), b (> 2), c (1.0)", ", a, , b,", "a:amd64 (= 1:2.0-1~) [!i386] <stage1 !cross> <nocheck>",
		"a |", "a (>= 1", "g++-12, perl:native",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if got, err := ParseRelations(in); err == nil {
			again, err := ParseRelations(renderClauses(got))
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("%q -> %q -> %v, %v", in, renderClauses(got), again, err)
			}
		}
		if got, err := ParseRelationList(in); err == nil {
			again, err := ParseRelationList(renderList(got))
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("%q -> %q -> %v, %v", in, renderList(got), again, err)
			}
		}
	})
}

func renderClauses(cs []pkgs.Alternatives) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = c.String()
	}
	return strings.Join(s, ", ")
}

func renderList(rs []pkgs.Relation) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = r.String()
	}
	return strings.Join(s, ", ")
}

// FuzzCompareVersions checks that the ordering is a total preorder on any
// strings: reflexive, antisymmetric, transitive, and consistent for equals.
func FuzzCompareVersions(f *testing.F) {
	for _, t := range trickyPairs {
		f.Add(t[0], t[1], "1.0")
	}
	f.Add("1:0", "0:1", "1")
	f.Add("", "0", "~")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		ab, ba, bc, ac := CompareVersions(a, b), CompareVersions(b, a), CompareVersions(b, c), CompareVersions(a, c)
		switch {
		case CompareVersions(a, a) != 0:
			t.Fatalf("%q != itself", a)
		case ab != -ba || ab < -1 || ab > 1:
			t.Fatalf("cmp(%q, %q) = %d, cmp(%q, %q) = %d", a, b, ab, b, a, ba)
		case ab <= 0 && bc <= 0 && ac > 0:
			t.Fatalf("%q <= %q <= %q but %q > %q", a, b, c, a, c)
		case ab == 0 && ac != bc:
			t.Fatalf("%q == %q but they compare differently to %q", a, b, c)
		}
	})
}
