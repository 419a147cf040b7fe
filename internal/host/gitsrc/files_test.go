package gitsrc

import (
	"context"
	"strings"
	"testing"
)

// TestReadFiles reads files of a pinned commit through its ref, leaves
// out missing ones, and refuses a ref that moved away from the pin.
func TestReadFiles(t *testing.T) {
	w := newWorld(t)
	s := New(Config{})
	ctx := context.Background()
	files, err := s.ReadFiles(ctx, w.req("v1.0"), w.first, []string{"README", "debian/control"})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || string(files["README"]) != "one\n" {
		t.Errorf("files = %q, want README of the tagged commit only", files)
	}
	if files, err := s.ReadFiles(ctx, w.req("main"), w.second, []string{"README"}); err != nil || string(files["README"]) != "two\n" {
		t.Errorf("main: %q, %v", files, err)
	}
	if _, err := s.ReadFiles(ctx, w.req("main"), w.first, []string{"README"}); err == nil || !strings.Contains(err.Error(), "not the pinned") {
		t.Errorf("a moved ref: %v", err)
	}
}
