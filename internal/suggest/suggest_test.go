package suggest

import (
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"Local", "local", 0},
		{"virtio-blk", "virtio_blk", 0}, {"lcoal", "local", 2}, {"héllo", "hello", 1},
	} {
		if d := Distance(tc.a, tc.b); d != tc.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, d, tc.d)
		}
	}
}

func TestClose(t *testing.T) {
	names := []string{"local", "files", "merge", "text_file", "target", "tarball"}
	for _, tc := range []struct {
		s    string
		want []string
	}{
		{"lcoal", []string{"local"}},
		{"textfile", []string{"text_file"}},
		{"tagret", []string{"target"}},
		{"zzz", nil},                           // nothing close
		{"targe", []string{"target", "merge"}}, // both two edits away
		{"tar", nil},                           // 3 characters: one edit at most
	} {
		if got := Close(tc.s, names, 3); !slices.Equal(got, tc.want) {
			t.Errorf("Close(%q) = %q, want %q", tc.s, got, tc.want)
		}
	}
	if got := One("fils", names); got != "files" {
		t.Errorf("One(fils) = %q", got)
	}
	if got := Ranked("foo", []string{"quux", "bar", "fo", "foo2"}, 3); !slices.Equal(got, []string{"fo", "foo2", "bar"}) {
		t.Errorf("Ranked = %q", got)
	}
}
