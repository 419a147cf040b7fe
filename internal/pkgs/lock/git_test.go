package lock

import (
	"bytes"
	"strings"
	"testing"
)

// TestGitRoundTrip: git entries are sorted, one per line, survive a round
// trip, and a lockfile without them has no "git" table at all.
func TestGitRoundTrip(t *testing.T) {
	f := sample()
	plain, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(plain), `"git"`) {
		t.Errorf("a lock without git entries has a git table:\n%s", plain)
	}
	f.Git = []Git{
		{URL: "https://example.org/b.git", Ref: "main", Commit: strings.Repeat("b", 40)},
		{URL: "https://example.org/a.git", Ref: "v1.2", Commit: strings.Repeat("a", 40), TagSigner: strings.Repeat("F", 40)},
	}
	a, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse("cairn.lock", a)
	if err != nil {
		t.Fatalf("%v\n%s", err, a)
	}
	b, _ := g.Marshal()
	if !bytes.Equal(a, b) {
		t.Fatalf("round trip differs:\n%s\n---\n%s", a, b)
	}
	if strings.Count(string(a), `{"url":`) != 2 || g.Git[0].Ref != "v1.2" {
		t.Errorf("want two sorted one-line git entries:\n%s", a)
	}
	if e, ok := g.LookupGit("https://example.org/a.git", "v1.2"); !ok || e.TagSigner != strings.Repeat("F", 40) {
		t.Errorf("LookupGit = %+v, %v", e, ok)
	}
	if _, ok := g.LookupGit("https://example.org/a.git", "main"); ok {
		t.Error("LookupGit found a ref the lock does not hold")
	}
}
