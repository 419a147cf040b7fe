package stdlib_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	digest "github.com/opencontainers/go-digest"

	"github.com/cairn-build/cairn/stdlib"
)

// Budget of evaluating and marshalling a 1,000-target recipe: what a large
// project should cost before the engine sees anything.
const (
	budgetTargets = 1000
	budgetSeconds = 0.5
	budgetMiB     = 200
)

// peakEnv makes TestEvaluate1000TargetsBudget print the process's peak RSS;
// the benchmark sets it on a child process so the figure is that of one
// evaluation, not of everything the benchmark binary did before.
const peakEnv = "CAIRN_BENCH_PEAK_RSS"

// bigRecipe is a project with n targets. Each merges a shared local tree
// with its own files(), runs a step in it and archives the output, so the
// graph has both shared and per-target nodes.
func bigRecipe(n int) fstest.MapFS {
	var b strings.Builder
	b.WriteString("base = local(\"rootfs\")\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "t%d = archive(run([\"/bin/sh\", \"-c\", \"cp /f%d /out/\"],\n", i, i)
		fmt.Fprintf(&b, "    rootfs = merge([base, files({\"f%d\": \"x\"})]), output = \"/out\"), name = \"t%d.tar\")\n", i, i)
		fmt.Fprintf(&b, "target(\"t%d\", t%d, doc = \"target %d\")\n", i, i, i)
	}
	return fstest.MapFS{
		"cairn.star":          {Data: []byte(b.String())},
		"rootfs/etc/hostname": {Data: []byte("cairn\n")},
	}
}

// bigCase is one way of compiling the big recipe.
type bigCase struct {
	name       string
	helperSize int // bytes of the fake helper binary
	// perTarget gives each target its own Compiler, as frontends.Definition
	// does for every (target, platform) of a build; otherwise one Compiler
	// marshals all targets, sharing the nodes they have in common.
	perTarget bool
	// local serves the helper from a session local, as `cairn build` does,
	// instead of inlining it into every definition.
	local bool
}

// bigCases: the first is the budgeted figure. The last has a helper of the
// real one's size (about 2 MiB), served from a session local the way
// `cairn build` serves it.
var bigCases = []bigCase{
	{"shared-compiler", 1, false, false},
	{"compiler-per-target", 1, true, false},
	{"compiler-per-target-2MiB-helper", 2 << 20, true, true},
}

// evaluateAndMarshal is the measured work: evaluate the recipe and marshal
// every target for linux/amd64.
func evaluateAndMarshal(proj fstest.MapFS, bc bigCase) (targets, ops int, err error) {
	r, err := stdlib.Evaluate(stdlib.Options{Project: proj})
	if err != nil {
		return 0, 0, err
	}
	opts := stdlib.CompileOptions{Platform: amd64, Helper: sizedHelper(bc.helperSize, bc.local), Epoch: 315532800}
	c := r.NewCompiler(opts)
	for _, tg := range r.Targets() {
		if bc.perTarget {
			c = r.NewCompiler(opts)
		}
		def, err := c.Marshal(context.Background(), tg.Artifact)
		if err != nil {
			return 0, 0, fmt.Errorf("marshal %s: %w", tg.Name, err)
		}
		targets++
		ops += len(def.Def)
	}
	return targets, ops, nil
}

// sizedHelper is a fake helper binary of n bytes, inlined or served from a
// session local (digest computed once, as frontends does).
func sizedHelper(n int, local bool) stdlib.Helper {
	h := stdlib.Helper{Platform: amd64, Binary: bytes.Repeat([]byte("x"), n)}
	if local {
		h.Local, h.Digest = "cairn-helper", digest.FromBytes(h.Binary)
	}
	return h
}

// TestEvaluate1000TargetsBudget keeps the generator of the benchmark
// working. It asserts no timing. When peakEnv names a case, it runs that
// one and prints its peak RSS.
func TestEvaluate1000TargetsBudget(t *testing.T) {
	bc := bigCases[0]
	for _, c := range bigCases {
		if c.name == os.Getenv(peakEnv) {
			bc = c
		}
	}
	targets, ops, err := evaluateAndMarshal(bigRecipe(budgetTargets), bc)
	if err != nil {
		t.Fatal(err)
	}
	if targets != budgetTargets {
		t.Errorf("%d targets, want %d", targets, budgetTargets)
	}
	if ops < 5*budgetTargets {
		t.Errorf("%d ops for %d targets: the generated graph is smaller than intended", ops, targets)
	}
	if os.Getenv(peakEnv) != "" {
		if kb, ok := peakRSSKiB(); ok {
			fmt.Printf("peak-rss-kib %d\n", kb)
		}
	}
}

// BenchmarkEvaluate1000Targets times evaluating a 1,000-target recipe and
// marshalling every target, and reports the peak memory of doing it once
// in a fresh process as peak-MiB.
func BenchmarkEvaluate1000Targets(b *testing.B) {
	proj := bigRecipe(budgetTargets)
	for _, bc := range bigCases {
		b.Run(bc.name, func(b *testing.B) { benchmarkBig(b, proj, bc) })
	}
}

func benchmarkBig(b *testing.B, proj fstest.MapFS, bc bigCase) {
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		if _, _, err := evaluateAndMarshal(proj, bc); err != nil {
			b.Fatal(err)
		}
	}
	perOp := time.Since(start).Seconds() / float64(b.N)
	b.Logf("evaluate + marshal %d targets: %.3f s per run (goal < %.1f s)", budgetTargets, perOp, budgetSeconds)
	reportPeak(b, bc.name)
}

// reportPeak runs TestEvaluate1000TargetsBudget for one case in a child
// process and reports its peak RSS.
func reportPeak(b *testing.B, name string) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestEvaluate1000TargetsBudget$", "-test.count=1")
	cmd.Env = append(os.Environ(), peakEnv+"="+name)
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("child: %v\n%s", err, out)
	}
	kb, ok := parsePeak(out)
	if !ok {
		b.Logf("peak RSS unavailable on this system")
		return
	}
	mib := float64(kb) / 1024
	b.ReportMetric(mib, "peak-MiB")
	b.Logf("peak RSS of one evaluate + marshal in a fresh process: %.1f MiB (goal < %d MiB)", mib, budgetMiB)
}

func parsePeak(out []byte) (int64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "peak-rss-kib "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// peakRSSKiB reads the process's resident-set high-water mark (Linux).
func peakRSSKiB() (int64, bool) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}
