package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/testutil"
)

// update rewrites testdata/golden.sha256 instead of checking it.
var update = flag.Bool("update", false, "rewrite testdata/golden.sha256")

// goldenFile pins the digests of the archives of portableTree.
const goldenFile = "testdata/golden.sha256"

// goldenEpoch is the mtime of the golden archives.
const goldenEpoch = 1234567890

func TestGoldenDigests(t *testing.T) {
	root := build(t, portableTree(), buildOpts{reverse: true, mtime: time.Unix(42, 0)})
	var lines []string
	for format := range encoders {
		for _, prefix := range []string{"", "opt/app"} {
			opts := Reproducible(goldenEpoch)
			opts.Prefix = prefix
			sum := sha256.Sum256(encode(t, format, root, opts))
			lines = append(lines, fmt.Sprintf("%s  %s prefix=%q", hex.EncodeToString(sum[:]), format, prefix))
		}
	}
	slices.Sort(lines)
	got := strings.Join(lines, "\n") + "\n"
	if *update {
		testutil.Must(t, os.MkdirAll(filepath.Dir(goldenFile), 0o755))
		testutil.Must(t, os.WriteFile(goldenFile, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(goldenFile)
	testutil.Must(t, err)
	if got != string(want) {
		t.Errorf("archive digests changed; if intended, run go test -run TestGoldenDigests -update\ngot:\n%swant:\n%s", got, want)
	}
}
