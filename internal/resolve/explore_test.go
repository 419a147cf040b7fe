package resolve

import (
	"math/rand"
	"os"
	"strconv"
	"testing"

	"github.com/cairn-build/cairn/internal/deb"
)

func TestExplore(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("EXPLORE_N"))
	if n == 0 {
		t.Skip()
	}
	arch := os.Getenv("EXPLORE_ARCH")
	rec := os.Getenv("EXPLORE_REC") != ""
	ix := loadIndex(t, arch)
	u := New(arch, deb.CompareVersions, ix.packages)
	root := newAptRoot(t, arch, ix.path)
	rng := rand.New(rand.NewSource(int64(n) + 7))
	same, diff, errs := 0, 0, 0
	for i := 0; i < n; i++ {
		name := u.names[rng.Intn(len(u.names))]
		want, aerr := root.install([]string{name}, rec)
		res, cerr := u.Resolve(Request{Install: []string{name}, Recommends: rec})
		switch {
		case aerr != nil || cerr != nil:
			errs++
			t.Logf("%s: apt %v / cairn %v", name, aerr != nil, cerr)
		default:
			d, detail := diffSets(res.Packages, want)
			if d == "" {
				same++
			} else {
				diff++
				t.Logf("%s: %s\n%s", name, d, detail)
			}
		}
	}
	t.Logf("same %d diff %d errs %d", same, diff, errs)
}
