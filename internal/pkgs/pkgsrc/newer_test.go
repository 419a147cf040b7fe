package pkgsrc

import (
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// TestNewerThanLocked: the candidates a request's repositories offer
// above a locked version are noted, the newest of them, with the
// repository offering it; packages not locked, or not newer, are not.
func TestNewerThanLocked(t *testing.T) {
	s := New(Config{Lock: lockWith(map[string][]pkgs.Locked{"a": {locked("bash", "5.1"), locked("less", "590")}}, request("a"))})
	all := []*pkgs.Package{
		{Name: "bash", Version: "5.1", Arch: "amd64", Repo: "r1"}, {Name: "bash", Version: "5.2~rc1", Arch: "amd64", Repo: "r2"},
		{Name: "bash", Version: "5.2", Arch: "amd64", Repo: "r2"}, {Name: "bash", Version: "5.1+b1", Arch: "amd64", Repo: "r1"},
		{Name: "less", Version: "580", Arch: "amd64", Repo: "r1"}, {Name: "zsh", Version: "5.9", Arch: "amd64", Repo: "r2"},
	}
	s.noteNewer(all, map[string]pkgs.RepoSpec{"r1": {Name: "debian"}, "r2": {Name: "extra"}})
	got := s.NewerThanLocked()
	if len(got) != 1 || got[0] != (Newer{Name: "bash", Arch: "amd64", Locked: "5.1", Offered: "5.2", Repo: "extra"}) {
		t.Errorf("NewerThanLocked = %+v, want bash 5.1 -> 5.2 from extra", got)
	}
	if fresh := New(Config{Fresh: true, Lock: s.cfg.Lock}); len(fresh.NewerThanLocked()) != 0 {
		t.Error("a fresh resolve notes nothing")
	}
}
