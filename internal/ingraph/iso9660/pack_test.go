package iso9660

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// randomTree makes a tree of sparse files (sizes cost no disk) with
// names and links that stress directory and continuation sizes.
func randomTree(t *testing.T, r *rand.Rand) string {
	t.Helper()
	src := t.TempDir()
	dirs := []string{""}
	for i := range 20 + r.IntN(200) {
		dir := dirs[r.IntN(len(dirs))]
		name := fmt.Sprintf("%s%d", strings.Repeat("x", r.IntN(4)*r.IntN(80)), i)
		p := filepath.Join(src, dir, name)
		switch r.IntN(10) {
		case 0:
			testutil.Must(t, os.MkdirAll(p, 0o755))
			dirs = append(dirs, filepath.Join(dir, name))
		case 1:
			testutil.Must(t, os.Symlink("t/"+strings.Repeat("target/", r.IntN(140)), p))
		default:
			f, err := os.Create(p)
			testutil.Must(t, err)
			testutil.Must(t, f.Truncate(int64(r.IntN(3))*int64(r.IntN(400000))))
			f.Close()
		}
	}
	return src
}

// TestPackingBoundHolds plans and lays out random trees under random
// limits: no volume may exceed its limit and every file must be placed
// once, whole or as parts that add up.
func TestPackingBoundHolds(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tooSmall, sets := 0, 0
	defer func() {
		t.Logf("%d volume sets, %d limits too small", sets, tooSmall)
		if sets < 15 {
			t.Errorf("only %d of the random cases made volume sets", sets)
		}
	}()
	for i := range 25 {
		src := randomTree(t, r)
		limit := int64(64<<10 + r.IntN(2<<20))
		s, err := newSet(src, "x", Options{VolumeID: "P", MaxVolumeSize: limit})
		testutil.Must(t, err)
		if err := s.plan(); err != nil {
			if !strings.Contains(err.Error(), "too small") {
				t.Fatalf("case %d: plan: %v", i, err)
			}
			tooSmall++
			continue
		}
		if err := s.buildAll(); err != nil {
			t.Fatalf("case %d (limit %d): %v", i, limit, err)
		}
		if len(s.vols) > 1 {
			sets++
		}
		placed := map[*node]int64{}
		for _, v := range s.vols {
			if v.total*sectorSize > limit {
				t.Errorf("case %d: volume %d has %d sectors, limit %d bytes", i, v.seq, v.total, limit)
			}
		}
		for _, p := range s.plans {
			for _, pc := range p.pieces {
				placed[pc.node] += pc.size
			}
		}
		walkNodes(s.root, func(n *node) {
			if n.kind != kindDir && placed[n] != n.size {
				t.Errorf("case %d: %s placed %d of %d bytes", i, n.path, placed[n], n.size)
			}
		})
	}
}

func TestTooSmallVolumeSize(t *testing.T) {
	src := setTree(t)
	_, err := Write(src, t.TempDir(), "x", Options{VolumeID: "S", MaxVolumeSize: 40000})
	if err == nil || !strings.Contains(err.Error(), "max_volume_size 40000 is too small") || !strings.Contains(err.Error(), "use at least") {
		t.Errorf("tiny volumes: %v", err)
	}
	_, err = Write(src, t.TempDir(), "x", Options{VolumeID: "S", MaxVolumeSize: 1000})
	if err == nil || !strings.Contains(err.Error(), "max_volume_size 1000 is too small") {
		t.Errorf("limit below one sector: %v", err)
	}
	_, err = Write(src, t.TempDir(), "x", Options{VolumeID: "S", MaxVolumeSize: 300000, First: []string{"pool"}})
	if err == nil || !strings.Contains(err.Error(), "volume 1 must hold") {
		t.Errorf("first too big for volume 1: %v", err)
	}
}
