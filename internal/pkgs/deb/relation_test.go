package deb

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// rel builds a relation for tables: rel("a"), rel("a", ">=", "1"),
// rel("a:any", "=", "2").
func rel(name string, opver ...string) pkgs.Relation {
	r := pkgs.Relation{Name: name}
	r.Name, r.Arch, _ = strings.Cut(name, ":")
	if len(opver) == 2 {
		r.Op, r.Version = opver[0], opver[1]
	}
	return r
}

func alts(rs ...pkgs.Relation) pkgs.Alternatives { return rs }

func TestParseRelations(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []pkgs.Alternatives
	}{
		{"", nil},
		{" \t\n", nil},
		{"a", []pkgs.Alternatives{alts(rel("a"))}},
		{"a (>= 1) | b:any, c [amd64] <!nocheck>", []pkgs.Alternatives{
			alts(rel("a", ">=", "1"), rel("b:any")), alts(rel("c"))}},
		{"libc6 (>= 2.36), libtinfo6 (>= 6)", []pkgs.Alternatives{
			alts(rel("libc6", ">=", "2.36")), alts(rel("libtinfo6", ">=", "6"))}},
		{"a(<<1:2.0-1~)", []pkgs.Alternatives{alts(rel("a", "<<", "1:2.0-1~"))}},
		{"a ( <= 1 ),b(= 2),c (>> 3)", []pkgs.Alternatives{
			alts(rel("a", "<=", "1")), alts(rel("b", "=", "2")), alts(rel("c", ">>", "3"))}},
		{"a (< 1), b (> 2), c (1.0)", []pkgs.Alternatives{
			alts(rel("a", "<=", "1")), alts(rel("b", ">=", "2")), alts(rel("c", "=", "1.0"))}},
		{"a (>=1)", []pkgs.Alternatives{alts(rel("a", ">=", "1"))}},
		{"a,\n b\n | c,", []pkgs.Alternatives{alts(rel("a")), alts(rel("b"), rel("c"))}},
		{", a, , b,", []pkgs.Alternatives{alts(rel("a")), alts(rel("b"))}},
		{"a:amd64 (= 1) [!i386 linux-any] <stage1 !cross> <nocheck>", []pkgs.Alternatives{
			alts(rel("a:amd64", "=", "1"))}},
		{"foo<!nocheck>", []pkgs.Alternatives{alts(rel("foo"))}},
		{"g++-12, libstdc++6 (>= 12), python3.11, lib_x", []pkgs.Alternatives{
			alts(rel("g++-12")), alts(rel("libstdc++6", ">=", "12")), alts(rel("python3.11")), alts(rel("lib_x"))}},
		{"perl:native", []pkgs.Alternatives{alts(rel("perl:native"))}},
	} {
		got, err := ParseRelations(tc.in)
		if err != nil {
			t.Errorf("ParseRelations(%q): %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseRelations(%q)\n got %v\nwant %v", tc.in, got, tc.want)
		}
	}
}

func TestParseRelationsErrors(t *testing.T) {
	for _, tc := range []struct{ in, msg string }{
		{"a |", "missing package name"},
		{"| a", "missing package name"},
		{"a || b", "missing package name"},
		{"(>= 1)", "expected a package name"},
		{"-a", "must start with a letter or digit"},
		{"a b", `unexpected "b"`},
		{"a:", "missing architecture name"},
		{"a: any", "missing architecture name"},
		{"a:a_b", `unexpected "_b"`},
		{"a (>= 1", "unterminated version restriction"},
		{"a (>= 1 2)", `unexpected "2)"`},
		{"a (>= (1))", "unexpected"},
		{"a (<> 1)", `invalid relation operator "<>"`},
		{"a (>= )", "version string is empty"},
		{"a (>= x1)", "does not start with digit"},
		{"a (= 1:)", "nothing after colon"},
		{"a [amd64", "unterminated architecture list"},
		{"a []", "empty architecture list"},
		{"a [am_d64]", "unexpected"},
		{"a <>", "empty build profile list"},
		{"a <!>", "unexpected"},
		{"a [amd64] (>= 1)", "unexpected"},
		{"a (>= 1) (<< 2)", "unexpected"},
		{"a$b", `unexpected "$b"`},
		{"Ä", "expected a package name"},
	} {
		_, err := ParseRelations(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseRelations(%q) = %v, want error containing %q", tc.in, err, tc.msg)
		}
	}
}

func TestParseRelationList(t *testing.T) {
	got, err := ParseRelationList("node-acorn-walk (= 8.2.0), mail-transport-agent, a:any (<< 1), ")
	want := []pkgs.Relation{rel("node-acorn-walk", "=", "8.2.0"), rel("mail-transport-agent"), rel("a:any", "<<", "1")}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, %v; want %v", got, err, want)
	}
	if got, err := ParseRelationList(" "); got != nil || err != nil {
		t.Errorf("blank: got %v, %v", got, err)
	}
	if _, err := ParseRelationList("a, b | c"); err == nil || !strings.Contains(err.Error(), "alternatives") {
		t.Errorf("alternatives: got %v", err)
	}
}

// TestRelationsShareStorage checks that each clause is capped, so
// appending to one cannot overwrite the next.
func TestRelationsShareStorage(t *testing.T) {
	got, err := ParseRelations("a | b, c")
	if err != nil {
		t.Fatal(err)
	}
	_ = append(got[0], rel("x"))
	if got[1][0].Name != "c" {
		t.Fatalf("append to clause 0 clobbered clause 1: %v", got)
	}
}
