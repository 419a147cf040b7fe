package main

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo/debrepotest"
)

// TestDirectoryOutputWithholdsNodes builds a step that makes a block
// device, a character device, a fifo, setuid, setgid and world-writable
// files: the directory output holds none of those on the host and lists
// them in the build record, while an archive of the same tree keeps them.
func TestDirectoryOutputWithholdsNodes(t *testing.T) {
	c := shared(t)
	proj := newProject(t, fmt.Sprintf(`nodes = run(["/hello", "/out/greeting", "--mknod"], rootfs = local(%q), output = "/out")
target("nodes", nodes)
target("nodes-tar", archive(nodes, name = "nodes.tar", owners = "keep"))
`, hostRootfs(t)))
	out := filepath.Join(t.TempDir(), "out")
	r := c.ok(t, "build", "-f", filepath.Join(proj, "cairn.star"), "-o", out, "--progress", "plain")

	filepath.WalkDir(filepath.Join(out, "nodes"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode(); m&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket) != 0 || m&(fs.ModeSetuid|fs.ModeSetgid) != 0 || m.Perm()&0o002 != 0 {
			t.Errorf("%s is on the host as %v", p, m)
		}
		return nil
	})
	var rec struct {
		Withheld []struct{ Path, Was, Now string } `json:"withheld"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, "nodes.cairn.json"))), &rec); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range rec.Withheld {
		got = append(got, w.Path+": "+w.Was+" -> "+w.Now)
	}
	want := []string{
		"disk: block device 8,0 -> not written",
		"null: character device 1,3 -> not written",
		"open: mode 0666 -> mode 0664",
		"pipe: fifo -> not written",
		"sg: mode 2755 -> mode 0755",
		"su: mode 4755 -> mode 0755",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("withheld in the record:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(r.stderr, "nodes: a directory output on the host left out 1 block device, 1 character device, 1 fifo") {
		t.Errorf("the build did not say what it withheld:\n%s", r.stderr)
	}
	kept := tarModes(t, filepath.Join(out, "nodes-tar", "nodes.tar"))
	for name, want := range map[string]string{"disk": "block 8,0 0666", "null": "char 1,3 0666", "pipe": "fifo 0666", "su": "file 4755", "sg": "file 2755", "open": "file 0666"} {
		if kept[name] != want {
			t.Errorf("archive entry %s = %q, want %q (archives keep what the graph made)", name, kept[name], want)
		}
	}
}

// tarModes describes each entry of a tar file: "block 8,0 0666".
func tarModes(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		kind := map[byte]string{tar.TypeBlock: "block", tar.TypeChar: "char", tar.TypeFifo: "fifo", tar.TypeReg: "file", tar.TypeDir: "dir"}[h.Typeflag]
		if h.Typeflag == tar.TypeBlock || h.Typeflag == tar.TypeChar {
			kind += fmt.Sprintf(" %d,%d", h.Devmajor, h.Devminor)
		}
		out[strings.TrimPrefix(filepath.Clean(h.Name), "/")] = fmt.Sprintf("%s %04o", kind, h.Mode&0o7777)
	}
}

// endlessRecipe would evaluate for longer than anyone waits.
const endlessRecipe = `def spin():
    n = 0
    for i in range(1000000000):
        for j in range(1000000000):
            n += 1
    return n

target("never", text_file("n", str(spin())))
`

// TestEvaluationBudget: a recipe that loops too long stops with an error
// at its line that names the flag raising the budget.
func TestEvaluationBudget(t *testing.T) {
	needBinary(t)
	c := suite.cairn(t.TempDir())
	dir := t.TempDir()
	recipe := filepath.Join(dir, "cairn.star")
	writeFile(t, recipe, "load(\"@cairn//text.star\", \"text_file\")\n"+endlessRecipe)
	for _, cmd := range []string{"targets", "graph", "lock", "build"} {
		args := []string{cmd, "-f", recipe, "--max-steps", "200000"}
		if cmd == "graph" {
			args = append(args, "never")
		}
		r := c.run(t, args...)
		if r.code != 1 {
			t.Fatalf("want exit 1 when the budget runs out; %s", r)
		}
		for _, want := range []string{recipe + ":", "evaluation stopped here after 200000 steps", "--max-steps 2000000"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("cairn %s: stderr lacks %q:\n%s", cmd, want, r.stderr)
			}
		}
	}
}

// TestSignalStopsEvaluation sends SIGINT and SIGTERM to commands busy
// evaluating an endless recipe: each exits with 128+signal, promptly,
// naming where it stopped, and leaves no engine behind.
func TestSignalStopsEvaluation(t *testing.T) {
	needEngine(t)
	home := t.TempDir()
	c := suite.cairn(home)
	dir := t.TempDir()
	recipe := filepath.Join(dir, "cairn.star")
	writeFile(t, recipe, "load(\"@cairn//text.star\", \"text_file\")\n"+endlessRecipe)
	for _, tc := range []struct {
		cmd  string
		sig  syscall.Signal
		code int
	}{
		{"build", syscall.SIGINT, 130},
		{"build", syscall.SIGTERM, 143},
		{"graph", syscall.SIGINT, 130},
		{"lock", syscall.SIGTERM, 143},
		{"targets", syscall.SIGINT, 130},
	} {
		t.Run(fmt.Sprintf("%s-%d", tc.cmd, tc.sig), func(t *testing.T) {
			args := []string{tc.cmd, "-f", recipe, "--max-steps", "1000000000000000", "-o", filepath.Join(dir, "out")}
			switch tc.cmd {
			case "graph":
				args = []string{"graph", "-f", recipe, "--max-steps", "1000000000000000", "never"}
			case "lock", "targets":
				args = args[:5]
			}
			code, stderr, took := signalAfter(t, c, args, tc.sig, 1500*time.Millisecond)
			if code != tc.code {
				t.Fatalf("cairn %s after %v: exit %d, want %d\n%s", tc.cmd, tc.sig, code, tc.code, stderr)
			}
			t.Logf("cairn %s stopped %s after the signal", tc.cmd, took)
			if took > 20*time.Second {
				t.Errorf("cairn %s took %s to stop after the signal (want about a second)", tc.cmd, took)
			}
			for _, want := range []string{"interrupted by", "evaluation interrupted here", recipe + ":"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(home, "engine", "buildkitd.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an engine was left behind in %s (pid file: %v)", home, err)
	}
	if pids := buildkitdsUnder(t, home); len(pids) > 0 {
		t.Errorf("buildkitd processes left running for %s: %v", home, pids)
	}
}

// signalAfter starts cairn, sends sig after wait and returns its exit code,
// its stderr and how long it took to exit after the signal. A generous
// bound (2 minutes) catches a cairn that ignores the signal.
func signalAfter(t *testing.T, c cairn, args []string, sig syscall.Signal, wait time.Duration) (int, string, time.Duration) {
	t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(wait)
	sent := time.Now()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), stderr.String(), time.Since(sent)
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("the test's bound fired: cairn %s did not exit within 2 minutes of %v\n%s", strings.Join(args, " "), sig, stderr.String())
	}
	return 0, "", 0
}

// buildkitdsUnder lists the pids of buildkitd processes whose command line
// mentions dir.
func buildkitdsUnder(t *testing.T, dir string) []string {
	t.Helper()
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	var pids []string
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		cmdline := strings.ReplaceAll(string(b), "\x00", " ")
		if strings.Contains(cmdline, "buildkitd") && strings.Contains(cmdline, dir) {
			pids = append(pids, filepath.Base(filepath.Dir(p)))
		}
	}
	return pids
}

// TestStaleTemporariesRemoved leaves what a build killed during its export
// leaves, then checks that the next build removes it, says so once, and
// restores an output an interrupted swap moved aside.
func TestStaleTemporariesRemoved(t *testing.T) {
	c := shared(t)
	proj := newProject(t, fmt.Sprintf("target(\"greet\", run([\"/hello\", \"/out/greeting\", \"x\"], rootfs = local(%q), output = \"/out\"))\n", hostRootfs(t)))
	recipe := filepath.Join(proj, "cairn.star")
	out := filepath.Join(t.TempDir(), "out")
	c.ok(t, "build", "-f", recipe, "-o", out, "--progress", "plain")
	// What kill -9 during an export leaves, and a swap cut in half.
	if err := os.MkdirAll(filepath.Join(out, ".greet.tmp-4242", "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(out, "greet.cairn.json.tmp"), "{")
	if err := os.Rename(filepath.Join(out, "greet"), filepath.Join(out, ".greet.tmp-77.old")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(out, ".not-cairns.tmp-x"), "mine")
	r := c.ok(t, "targets", "-f", recipe)
	if strings.Contains(r.stderr, "cleaned") {
		t.Errorf("cairn targets touched the output directory:\n%s", r.stderr)
	}
	r = c.ok(t, "build", "-f", recipe, "-o", out, "--progress", "plain")
	if n := strings.Count(r.stderr, "after an interrupted build"); n != 1 {
		t.Errorf("want the cleaning reported once, got %d times:\n%s", n, r.stderr)
	}
	for _, want := range []string{"removed .greet.tmp-4242", "removed greet.cairn.json.tmp", "restored greet"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if left := tmpLeftovers(t, out); len(left) != 1 || filepath.Base(left[0]) != ".not-cairns.tmp-x" {
		t.Errorf("left after the build: %v, want only .not-cairns.tmp-x", left)
	}
	checkGreeting(t, out, "greet", "hello from linux/"+runtime.GOARCH+" args=[x]\n")
	r = c.ok(t, "build", "-f", recipe, "-o", out, "--progress", "plain")
	if strings.Contains(r.stderr, "interrupted build") {
		t.Errorf("a clean directory was reported as cleaned:\n%s", r.stderr)
	}
}

// TestReleaseDatesAsApt locks against a signed repository whose Release
// is dated in 2999: cairn refuses it at the repo.deb() line, naming the
// override, and check_date = False lets the lock through.
func TestReleaseDatesAsApt(t *testing.T) {
	needBinary(t)
	repo := debrepotest.Serve(t, debrepotest.Options{Date: "Sat, 01 Jun 2999 10:00:00 UTC",
		Packages: "Package: hello\nVersion: 1.0\nArchitecture: amd64\nFilename: pool/hello_1.0_amd64.deb\nSize: 1\nSHA256: " + strings.Repeat("a", 64) + "\n"})
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "archive.asc"), string(repo.PublicKey))
	recipe := filepath.Join(dir, "cairn.star")
	write := func(opt string) {
		writeFile(t, recipe, fmt.Sprintf(`future = repo.deb(name = "future", suite = "test", mirror = %q, keyring = "archive.asc"%s)
target("base", package_files(repos = [future], packages = ["hello"], arch = "amd64"))
`, repo.URL, opt))
	}
	c := suite.cairn(t.TempDir())
	write("")
	r := c.run(t, "lock", "-f", recipe)
	if r.code != 1 {
		t.Fatalf("want exit 1 for a Release dated in the future; %s", r)
	}
	for _, want := range []string{"Release file is not valid yet (Date: Sat, 01 Jun 2999 10:00:00 UTC", "invalid for another", "check_date = False"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	write(", check_date = False")
	c.ok(t, "lock", "-f", recipe)
	if lock := readFile(t, filepath.Join(dir, "cairn.lock")); !strings.Contains(lock, "hello") {
		t.Errorf("cairn.lock does not hold hello:\n%s", lock)
	}
}
