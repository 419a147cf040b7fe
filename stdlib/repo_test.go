package stdlib_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/stdlib"
)

// recordingPackages answers like fakePackages and keeps the requests.
type recordingPackages struct {
	mu   sync.Mutex
	reqs []pkgs.Request
}

func (r *recordingPackages) Resolve(ctx context.Context, req pkgs.Request) (*pkgs.Set, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	return fakePackages{}.Resolve(ctx, req)
}

const repoChecksRecipe = `
SNAP = "20250520T000000Z"
repos = [
    repo.deb(name = "plain", suite = "bookworm"),
    repo.deb(name = "nodate", suite = "bookworm", check_date = False),
    repo.deb(name = "nountil", suite = "bookworm", check_valid_until = False),
    repo.deb(name = "snap", suite = "bookworm", snapshot = SNAP),
    repo.deb(name = "snapuntil", suite = "bookworm", snapshot = SNAP, check_valid_until = True),
    repo.deb(name = "snapnone", suite = "bookworm", snapshot = SNAP, check_valid_until = None, check_date = True),
]
target("t", rootfs(repos = repos, packages = ["bash"]))
`

// TestRepoDateChecks: check_date and check_valid_until reach the
// RepoSpec, Valid-Until is not checked for a snapshot unless asked.
func TestRepoDateChecks(t *testing.T) {
	r, err := stdlib.Evaluate(stdlib.Options{Project: fstest.MapFS{"cairn.star": {Data: []byte(repoChecksRecipe)}}})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordingPackages{}
	c := r.NewCompiler(stdlib.CompileOptions{Platform: amd64, Helper: fakeHelper, Epoch: 315532800, Packages: rec})
	if _, err := c.Marshal(context.Background(), r.Targets()[0].Artifact); err != nil {
		t.Fatal(err)
	}
	if len(rec.reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(rec.reqs))
	}
	want := map[string][2]bool{ // name: IgnoreDate, IgnoreValidUntil
		"plain": {false, false}, "nodate": {true, false}, "nountil": {false, true},
		"snap": {false, true}, "snapuntil": {false, false}, "snapnone": {false, true},
	}
	for _, spec := range rec.reqs[0].Repos {
		if got := [2]bool{spec.IgnoreDate, spec.IgnoreValidUntil}; got != want[spec.Name] {
			t.Errorf("%s: IgnoreDate, IgnoreValidUntil = %v, want %v", spec.Name, got, want[spec.Name])
		}
		delete(want, spec.Name)
	}
	if len(want) != 0 {
		t.Errorf("repositories missing from the request: %v", want)
	}
}

func TestRepoDateCheckArgs(t *testing.T) {
	for _, tc := range []struct{ call, want string }{
		{`repo.deb(suite = "bookworm", check_date = "x")`, `repo.deb: for parameter "check_date": got string, want bool`},
		{`repo.deb(suite = "bookworm", check_date = None)`, `repo.deb: for parameter "check_date": got NoneType, want bool`},
		{`repo.deb(suite = "bookworm", check_valid_until = "no")`, `repo.deb: for parameter "check_valid_until": got string, want bool`},
		{`repo.deb(suite = "bookworm", check_valid_until = 0)`, `repo.deb: for parameter "check_valid_until": got int, want bool`},
	} {
		_, err := stdlib.Evaluate(stdlib.Options{Project: fstest.MapFS{"cairn.star": {Data: []byte("r = " + tc.call + "\n")}}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.call, err, tc.want)
		}
	}
}
