package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var digestRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// TestStaticBinaryOnEachArch runs a static Go program for amd64 and arm64
// (the foreign one under qemu) and checks its output byte for byte, the
// build record, and that output times follow SOURCE_DATE_EPOCH.
func TestStaticBinaryOnEachArch(t *testing.T) {
	c := shared(t)
	for _, arch := range arches {
		needEmulation(t, arch)
	}
	recipe := filepath.Join(newProject(t, helloRecipe), "cairn.star")
	digests := map[string]map[string]bool{} // target -> digests seen
	tests := []struct {
		name  string
		env   []string
		epoch int64
	}{
		{"default epoch", nil, 315532800},
		{"SOURCE_DATE_EPOCH set", []string{"SOURCE_DATE_EPOCH=1700000000"}, 1700000000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			c.with(tt.env...).ok(t, "build", "-f", recipe, "-o", out, "hello-amd64", "hello-arm64", "--progress", "plain")
			for _, arch := range arches {
				target := "hello-" + arch
				checkGreeting(t, out, target, fmt.Sprintf("hello from linux/%s args=[x]\n", arch))
				rec := checkRecord(t, out, target, tt.epoch)
				checkTimes(t, filepath.Join(out, target), tt.epoch)
				if digests[target] == nil {
					digests[target] = map[string]bool{}
				}
				digests[target][rec.Digest] = true
			}
		})
	}
	for target, ds := range digests {
		if len(ds) != 1 {
			t.Errorf("%s: the record digest changed with SOURCE_DATE_EPOCH (it leaves times out): %v", target, ds)
		}
	}
}

func checkGreeting(t *testing.T, out, target, want string) {
	t.Helper()
	if got := readFile(t, filepath.Join(out, target, "greeting")); got != want {
		t.Errorf("%s/greeting = %q, want %q", target, got, want)
	}
}

func checkRecord(t *testing.T, out, target string, epoch int64) record {
	t.Helper()
	rec := readRecord(t, out, target)
	if rec.Target != target || rec.Epoch != epoch || !digestRE.MatchString(rec.Digest) {
		t.Errorf("%s.cairn.json = %+v; want target %q, source_date_epoch %d and a sha256 digest", target, rec, target, epoch)
	}
	// Each file's sum, as sha256sum -c checks it in the output.
	var list strings.Builder
	for p, sum := range rec.Sums {
		fmt.Fprintf(&list, "%s  %s\n", sum, p)
	}
	if len(rec.Sums) == 0 {
		t.Errorf("%s.cairn.json lists no file sums", target)
	}
	sums := filepath.Join(t.TempDir(), "SUMS")
	writeFile(t, sums, list.String())
	run(t, "sh", "-c", "cd "+filepath.Join(out, target)+" && sha256sum -c --quiet --strict "+sums)
	return rec
}

// checkTimes checks that every entry below dir is stamped with epoch.
func checkTimes(t *testing.T, dir string, epoch int64) {
	t.Helper()
	for p, e := range snapshot(t, dir) {
		if e.mtime != epoch {
			t.Errorf("%s/%s: mtime %d, want SOURCE_DATE_EPOCH %d", filepath.Base(dir), p, e.mtime, epoch)
		}
	}
}

// summaryRE matches the build summary line on stderr.
var summaryRE = regexp.MustCompile(`(?m)^built (\d+) target\(s\) in [0-9.]+s; (\d+) of (\d+) exec steps cached(?:; first cause: .*)?$`)

// TestSecondBuildIsCached rebuilds an unchanged project: every exec step
// must come from cache, whatever the progress mode.
func TestSecondBuildIsCached(t *testing.T) {
	c := shared(t)
	for _, arch := range arches {
		needEmulation(t, arch)
	}
	recipe := filepath.Join(newProject(t, helloRecipe), "cairn.star")
	out := filepath.Join(t.TempDir(), "out")
	build := []string{"build", "-f", recipe, "-o", out, "hello-amd64", "hello-arm64", "--progress"}
	c.ok(t, append(build, "plain")...)
	tests := []struct {
		mode  string
		check func(t *testing.T, r result)
	}{
		{"plain", func(t *testing.T, r result) {}},
		{"rawjson", checkRawJSON},
		{"quiet", func(t *testing.T, r result) {
			if strings.Contains(r.stderr, "#1 ") {
				t.Errorf("--progress quiet printed step progress:\n%s", r.stderr)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			// The project's files touched, same bytes: not up to date by
			// their stat data, so it is solved, and every step is cached.
			now := time.Now()
			for _, arch := range arches {
				if err := os.Chtimes(filepath.Join(filepath.Dir(recipe), "rootfs-"+arch, "hello"), now, now); err != nil {
					t.Fatal(err)
				}
			}
			r := c.ok(t, append(build, tt.mode)...)
			checkAllCached(t, r, 2)
			tt.check(t, r)
		})
	}
}

// checkAllCached checks the summary: targets built, all exec steps cached.
func checkAllCached(t *testing.T, r result, targets int) {
	t.Helper()
	m := summaryRE.FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no summary line on stderr:\n%s", r.stderr)
	}
	n, cached, total := atoi(t, m[1]), atoi(t, m[2]), atoi(t, m[3])
	if n != targets || total == 0 || cached != total {
		t.Errorf("summary %q: want %d targets and all of N>0 exec steps cached", m[0], targets)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkRawJSON checks that the progress came as JSON status objects.
func checkRawJSON(t *testing.T, r result) {
	t.Helper()
	n := 0
	for line := range strings.Lines(r.stdout + r.stderr) {
		var v map[string]json.RawMessage
		if json.Unmarshal([]byte(line), &v) == nil && v["vertexes"] != nil {
			n++
		}
	}
	if n == 0 {
		t.Errorf("--progress rawjson: no JSON status lines in the output\nstderr:\n%s", r.stderr)
	}
}

// hostRootfs returns the rootfs directory of the hello program for this
// host, skipping where there is none.
func hostRootfs(t *testing.T) string {
	t.Helper()
	if !slices.Contains(arches, runtime.GOARCH) {
		t.Skipf("no hello program for %s", runtime.GOARCH)
	}
	return "rootfs-" + runtime.GOARCH
}

// TestFailingRunNamesRecipeLine checks what a failing step reports: the
// recipe position of the run() call, the recipe line, the step's output;
// and that it leaves no output behind.
func TestFailingRunNamesRecipeLine(t *testing.T) {
	c := shared(t)
	src := fmt.Sprintf(`def broken():
    bad = run(["/hello", "/out/x", "--fail"], rootfs = local(%q), output = "/out")
    return bad

target("bad", broken())
`, hostRootfs(t))
	recipe := filepath.Join(newProject(t, src), "cairn.star")
	out := filepath.Join(t.TempDir(), "out")
	r := c.run(t, "build", "-f", recipe, "-o", out, "bad", "--progress", "plain")
	if r.code != 1 {
		t.Fatalf("want exit code 1 for a failing step; %s", r)
	}
	line, col := posOf(t, src, `run(["/hello", "/out/x", "--fail"]`)
	for _, want := range []string{
		fmt.Sprintf("%s:%d:%d: ", recipe, line, col),       // where the run() call starts
		`>>>     bad = run(["/hello", "/out/x", "--fail"]`, // the recipe line
		"boom: deliberate failure",                         // the step's output
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if _, err := os.Lstat(filepath.Join(out, "bad")); err == nil {
		t.Errorf("a failed build created %s/bad", out)
	}
	if left := tmpLeftovers(t, out); len(left) > 0 {
		t.Errorf("a failed build left %v", left)
	}
}

// TestPickMissingNamesNearest: a pick() of a path its artifact lacks fails
// at the pick's line with the nearest paths the artifact has there, read
// back from the failed solve.
func TestPickMissingNamesNearest(t *testing.T) {
	c := shared(t)
	src := `tree = files({"usr/bin/hello": "a\n", "usr/bin/help": "b\n", "etc/motd": "m\n"})
target("typo", pick(tree, "/usr/bin/helo"))
target("deep", pick(tree, "/usr/lib/x/y"))
`
	recipe := filepath.Join(newProject(t, src), "cairn.star")
	for _, tc := range []struct{ target, want string }{
		{"typo", `/usr/bin/helo is not in the artifact; nearest there: /usr/bin/hello, /usr/bin/help`},
		{"deep", `/usr/lib/x/y is not in the artifact; nearest there: /usr/bin`},
	} {
		r := c.run(t, "build", "-f", recipe, "-o", filepath.Join(t.TempDir(), "out"), tc.target, "--progress", "plain")
		line, col := posOf(t, src, `pick(tree, "/usr/`+map[string]string{"typo": "bin/helo", "deep": "lib/x/y"}[tc.target])
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, fmt.Sprintf("%s:%d:%d: ", recipe, line, col)) {
			t.Errorf("cairn build %s: want exit 1 at the pick's line naming %s; %s", tc.target, tc.want, r)
		}
	}
}

// TestFailedBuildKeepsPreviousOutput builds a target, breaks its recipe,
// and checks that the failed rebuild left the previous output and record
// exactly as they were.
func TestFailedBuildKeepsPreviousOutput(t *testing.T) {
	c := shared(t)
	recipeOf := func(arg string) string {
		return fmt.Sprintf("target(\"greet\", run([\"/hello\", \"/out/greeting\", %q], rootfs = local(%q), output = \"/out\"))\n", arg, hostRootfs(t))
	}
	proj := newProject(t, recipeOf("v1"))
	recipe := filepath.Join(proj, "cairn.star")
	out := filepath.Join(t.TempDir(), "out")
	c.ok(t, "build", "-f", recipe, "-o", out, "greet", "--progress", "plain")
	checkGreeting(t, out, "greet", fmt.Sprintf("hello from linux/%s args=[v1]\n", runtime.GOARCH))
	before := snapshot(t, out)

	writeFile(t, recipe, recipeOf("--fail"))
	r := c.run(t, "build", "-f", recipe, "-o", out, "greet", "--progress", "plain")
	if r.code != 1 || !strings.Contains(r.stderr, "boom: deliberate failure") {
		t.Fatalf("want the broken recipe to fail with exit code 1; %s", r)
	}
	// Beside the outputs, the failed step's whole log; nothing else changed.
	after := snapshot(t, out)
	logs, _ := filepath.Glob(filepath.Join(out, ".cairn-failed", "*.log"))
	if len(logs) != 1 || !strings.Contains(readFile(t, logs[0]), "boom: deliberate failure") {
		t.Errorf("want the failed step's log in .cairn-failed/, have %v", logs)
	}
	for p := range after {
		if p == ".cairn-failed" || strings.HasPrefix(p, ".cairn-failed/") {
			delete(after, p)
		}
	}
	for _, d := range diffSnapshots(before, after, true) {
		t.Errorf("the failed build changed the previous output: %s", d)
	}
	if left := tmpLeftovers(t, out); len(left) > 0 {
		t.Errorf("the failed build left %v", left)
	}
}
