package resolve

import (
	"math/rand"
	"os"
	"strconv"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs/deb"
)

// TestOracleSample compares cairn with apt-get on random single packages of
// the real index, a wider net than oracleCases that takes a second per
// package, so it only runs on request:
//
//	CAIRN_ORACLE_SAMPLE=200 CAIRN_ORACLE_ARCH=arm64 CAIRN_ORACLE_RECOMMENDS=1 go test -run TestOracleSample
//
// The sample is the same for the same size. Packages apt cannot install
// must fail in cairn too.
func TestOracleSample(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("CAIRN_ORACLE_SAMPLE"))
	if n == 0 {
		t.Skip("set CAIRN_ORACLE_SAMPLE to the number of packages to compare")
	}
	arch := os.Getenv("CAIRN_ORACLE_ARCH")
	if arch == "" {
		arch = "amd64"
	}
	recommends := os.Getenv("CAIRN_ORACLE_RECOMMENDS") != ""
	ix := loadIndex(t, arch)
	u := New(arch, deb.CompareVersions, ix.packages)
	root := newAptRoot(t, arch, ix.path)
	rng := rand.New(rand.NewSource(int64(n)))
	same := 0
	for range n {
		name := u.names[rng.Intn(len(u.names))]
		want, aerr := root.install([]string{name}, recommends)
		res, cerr := u.Resolve(Request{Install: []string{name}, Recommends: recommends})
		switch {
		case aerr != nil || cerr != nil:
			if (aerr == nil) != (cerr == nil) {
				t.Errorf("%s: apt error %v, cairn error %v", name, aerr, cerr)
			}
		default:
			if diff, detail := diffSets(res.Packages, want); diff != "" {
				t.Errorf("%s: %s\n%s", name, diff, detail)
				continue
			}
			same++
		}
	}
	t.Logf("%d of %d packages resolve exactly as apt resolves them", same, n)
}
