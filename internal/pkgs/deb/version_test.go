package deb

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// trickyPairs are hand-picked pairs exercising each rule of the ordering.
var trickyPairs = [][2]string{
	{"1.0~rc1", "1.0"}, {"1.0~rc1", "1.0~rc2"}, {"1.0~~", "1.0~"}, {"1.0~", "1.0"},
	{"1.0~rc1-1", "1.0-1"}, {"1.0-1~bpo1", "1.0-1"}, {"1.0+dfsg", "1.0"}, {"1.0a", "1.0"},
	{"1.0a", "1.0+"}, {"1.0.1", "1.0a"}, {"1.0-1", "1.0-1.1"}, {"1.0-1", "1.0-1+b1"},
	{"1.0-1+b1", "1.0-1.1"}, {"1.0-1", "1.0-10"}, {"1.0-2", "1.0-10"}, {"1.0", "1.0-0"},
	{"1.0", "1.0-1"}, {"1:0", "0:1"}, {"1:0", "1"}, {"0:1", "1"}, {"00:1", "0:1"},
	{"2:1.0", "10:0.1"}, {"1:1.0-1", "1.0-1"}, {"1.2.3", "1.2.10"}, {"1.002", "1.2"},
	{"1.0010", "1.9"}, {"1.000", "1"}, {"1.0", "1"}, {"1..0", "1.0"}, {"1.a", "1.A"},
	{"1.Z", "1.a"}, {"1a", "1.0"}, {"1-a", "1-0"}, {"1.0-a1", "1.0-1a"}, {"9", "10"},
	{"99999999999999999999", "100000000000000000000"}, {"1.99999999999999999999", "1.100000000000000000000"},
	{"1:1:1", "1:1.1"}, {"1:1-1-1", "1:1-1.1"}, {"1.0-1-1", "1.0-1.1"}, {"1.0-0-1", "1.0-1"},
	{"0", "0~"}, {"0", "00"}, {"1+", "1~"}, {"1+", "1."}, {"1.", "1-0"}, {"1.0+really0.9", "1.0"},
	{"2.36-9+deb12u4", "2.36-9+deb12u10"}, {"5.2.15-2+b2", "5.2.15-2+b13"}, {"1:2.4.44", "2.4.44"},
	{"7.88.1-10+deb12u5", "7.88.1-10+deb12u12"}, {"3.0.11-1~deb12u2", "3.0.11-1"}, {"1.0~a", "1.0~A"},
	{"1.0~", "1.0~0"}, {"1.0~a~", "1.0~a"}, {"1.0+~", "1.0+"}, {"1.0.", "1.0"}, {"10:1", "9:2"},
}

func TestCompareVersionsTable(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"1.0~rc1", "1.0", -1}, {"1.0", "1.0", 0}, {"1:0", "0:1", 1}, {"0:1", "1", 0},
		{"1.0-1", "1.0-1.1", -1}, {"1.0a", "1.0", 1}, {"1.0a", "1.0+", -1}, {"1.002", "1.2", 0},
		{"1.0", "1.0-0", 0}, {"99999999999999999999", "100000000000000000000", -1},
		{" 1.0 ", "1.0", 0}, {"1~~", "1~", -1}, {"2.10", "2.9", 1}, {"1:1", "9", 1},
	} {
		if got := CompareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := CompareVersions(tc.b, tc.a); got != -tc.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tc.b, tc.a, got, -tc.want)
		}
	}
}

// TestCompareVersionsMatchesDpkg checks the ordering against dpkg itself on
// versions taken from the host's real indexes.
func TestCompareVersionsMatchesDpkg(t *testing.T) {
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("dpkg not installed")
	}
	skipWhileFuzzing(t)
	pairs := append(versionPairs(t, hostVersions(t)), corpusPairs(t)...)
	want := dpkgCompare(t, pairs)
	var bad []string
	for i, p := range pairs {
		if got := CompareVersions(p[0], p[1]); got != want[i] {
			bad = append(bad, fmt.Sprintf("%q vs %q: got %d, dpkg says %d", p[0], p[1], got, want[i]))
		}
	}
	if len(bad) > 0 {
		t.Fatalf("%d of %d pairs disagree with dpkg:\n%s", len(bad), len(pairs), strings.Join(bad, "\n"))
	}
	t.Logf("%d pairs agree with dpkg", len(pairs))
}

// hostVersions returns the distinct versions in the host's indexes (of
// packages and of relations), sorted by CompareVersions then bytes.
func hostVersions(t *testing.T) []string {
	seen := map[string]bool{}
	for _, p := range hostPackages(t) {
		seen[p.Version] = true
		for _, alts := range slices.Concat(p.PreDepends, p.Depends, p.Recommends) {
			for _, r := range alts {
				seen[r.Version] = true
			}
		}
	}
	delete(seen, "")
	vs := make([]string, 0, len(seen))
	for v := range seen {
		vs = append(vs, v)
	}
	slices.SortFunc(vs, func(a, b string) int {
		if c := CompareVersions(a, b); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return vs
}

// versionPairs picks about 3000 pairs deterministically: the tricky ones,
// evenly spaced neighbours in sorted order (the closest calls), and a
// seeded random sample.
func versionPairs(t *testing.T, vs []string) [][2]string {
	const neighbours, random = 1500, 1500
	if len(vs) < 2*neighbours {
		t.Fatalf("only %d distinct versions in the host indexes", len(vs))
	}
	pairs := slices.Clone(trickyPairs)
	for k := range neighbours {
		i := k * (len(vs) - 1) / neighbours
		pairs = append(pairs, [2]string{vs[i], vs[i+1]})
	}
	rng := rand.New(rand.NewPCG(3, 1415))
	for range random {
		pairs = append(pairs, [2]string{vs[rng.IntN(len(vs))], vs[rng.IntN(len(vs))]})
	}
	return pairs
}

// corpusPairs returns the pairs among each FuzzCompareVersions corpus
// entry's three strings, where both are versions dpkg accepts, so what the
// fuzzer finds is judged by dpkg too.
func corpusPairs(t *testing.T) [][2]string {
	files, _ := filepath.Glob("testdata/fuzz/FuzzCompareVersions/*")
	var pairs [][2]string
	for _, f := range files {
		v := corpusEntry(t, f)
		for _, p := range [][2]string{{v[0], v[1]}, {v[1], v[2]}, {v[0], v[2]}} {
			if ValidVersion(p[0]) == nil && ValidVersion(p[1]) == nil {
				pairs = append(pairs, p)
			}
		}
	}
	return pairs
}

// corpusEntry reads a "go test fuzz v1" file of three strings.
func corpusEntry(t *testing.T, file string) [3]string {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	var v [3]string
	if len(lines) != 4 {
		t.Fatalf("%s: want a header and 3 strings", file)
	}
	for i, l := range lines[1:] {
		if v[i], err = strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(l, "string("), ")")); err != nil {
			t.Fatalf("%s: %s: %v", file, l, err)
		}
	}
	return v
}

// dpkgScript prints dpkg's verdict (-1, 0, 1, or "error") for each
// "a b" line of its input.
const dpkgScript = `while read -r a b; do
	dpkg --compare-versions "$a" lt "$b"; r=$?
	if [ $r -eq 0 ]; then echo -1
	elif [ $r -ne 1 ]; then echo error
	elif dpkg --compare-versions "$a" eq "$b"; then echo 0
	else echo 1; fi
done`

// dpkgCompare asks dpkg for the order of each pair, a shell per CPU.
func dpkgCompare(t *testing.T, pairs [][2]string) []int {
	workers := runtime.NumCPU()
	out := make([]int, len(pairs))
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		lo, hi := w*len(pairs)/workers, (w+1)*len(pairs)/workers
		wg.Go(func() { errs[w] = dpkgChunk(pairs[lo:hi], out[lo:hi]) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// dpkgChunk runs dpkgScript over pairs, storing verdicts in out.
func dpkgChunk(pairs [][2]string, out []int) error {
	var in strings.Builder
	for _, p := range pairs {
		fmt.Fprintf(&in, "%s %s\n", p[0], p[1])
	}
	cmd := exec.Command("sh", "-c", dpkgScript)
	cmd.Stdin = strings.NewReader(in.String())
	stdout, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("dpkg script: %w", err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(stdout)))
	for i := 0; sc.Scan(); i++ {
		if _, err := fmt.Sscan(sc.Text(), &out[i]); err != nil || i >= len(out) {
			return fmt.Errorf("dpkg on %q: %s", pairs[min(i, len(pairs)-1)], sc.Text())
		}
	}
	return nil
}

func TestValidVersion(t *testing.T) {
	for _, v := range []string{"1", "0", "1.0", "1:1.0-1", "1.0-1.1+b1", "1.0~rc1", "1:2:3",
		"1.0-1-1", "2147483647:1", "1a", "1.0+dfsg~1-2~bpo12+1", "0:0"} {
		if err := ValidVersion(v); err != nil {
			t.Errorf("ValidVersion(%q) = %v", v, err)
		}
	}
	for _, tc := range []struct{ v, msg string }{
		{"", "empty"}, {" 1.0", "blanks"}, {"1.0 ", "blanks"}, {"1 0", "embedded spaces"},
		{":1", "epoch in version is empty"}, {"a:1", "not number"}, {"-1:1", "not number"},
		{"2147483648:1", "too big"}, {"1:", "nothing after colon"}, {"1.0-", "revision number is empty"},
		{"-1", "upstream version is empty"}, {"1:-1", "upstream version is empty"},
		{"a1", "does not start with digit"}, {"1_0", "invalid character in version"},
		{"1.0-1%2", "invalid character in revision"}, {"1.0-a_b", "invalid character in revision"},
		{"1:1.0-1-", "revision number is empty"}, {"1.0/2", "invalid character in version"},
	} {
		err := ValidVersion(tc.v)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ValidVersion(%q) = %v, want error containing %q", tc.v, err, tc.msg)
		}
	}
}

// TestValidVersionMatchesDpkg checks that dpkg complains (error or warning)
// about every version ValidVersion rejects and about none it accepts.
// Versions with blanks are left out: dpkg trims them.
func TestValidVersionMatchesDpkg(t *testing.T) {
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("dpkg not installed")
	}
	for _, v := range []string{"1.0", "1:1.0-1", "1.0~rc1+b1", "1:2:3", "1.0-1-1", "2147483647:1",
		":1", "a:1", "2147483648:1", "1:", "1.0-", "1:-1", "a1", "1_0", "1.0-1%2", "1.0/2"} {
		out, _ := exec.Command("dpkg", "--compare-versions", v, "eq", "1").CombinedOutput()
		dpkgBad := strings.Contains(string(out), "bad syntax")
		if ours := ValidVersion(v) != nil; ours != dpkgBad {
			t.Errorf("%q: ValidVersion error=%v, dpkg complains=%v (%s)", v, ours, dpkgBad, out)
		}
	}
}
