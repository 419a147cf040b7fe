package archive

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/testutil"
)

// witnessEpoch is the mtime used for the extraction tests.
const witnessEpoch = 1700000000

// archiveFile writes the archive of root made by write to a file.
func archiveFile(t *testing.T, root string, write func(*bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	testutil.Must(t, write(&buf))
	out := filepath.Join(t.TempDir(), "archive")
	testutil.Must(t, os.WriteFile(out, buf.Bytes(), 0o644))
	return out
}

// tool runs an external program, skipping the test if it is missing.
func tool(t *testing.T, dir string, stdin string, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed", name)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if stdin != "" {
		f, err := os.Open(stdin)
		testutil.Must(t, err)
		defer f.Close()
		cmd.Stdin = f
	}
	cmd.Env = append(os.Environ(), "TZ=UTC", "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// wantLines checks that every pattern matches some line of listing and
// every line matches lineOK.
func wantLines(t *testing.T, listing string, lineOK *regexp.Regexp, patterns ...string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(listing, "\n"), "\n")
	for _, l := range lines {
		if !lineOK.MatchString(l) {
			t.Errorf("unexpected listing line %q", l)
		}
	}
	for _, p := range patterns {
		re := regexp.MustCompile(p)
		if !matchAny(re, lines) {
			t.Errorf("no listing line matches %s", p)
		}
	}
}

// matchAny reports whether re matches one of lines.
func matchAny(re *regexp.Regexp, lines []string) bool {
	for _, l := range lines {
		if re.MatchString(l) {
			return true
		}
	}
	return false
}

func TestTarWitnessGNU(t *testing.T) {
	testutil.NeedRoot(t)
	src := build(t, fullTree(), buildOpts{mtime: time.Unix(5e8, 0), chown: true, uid: 1234, gid: 5678})
	file := archiveFile(t, src, func(b *bytes.Buffer) error { return WriteTar(b, src, Reproducible(witnessEpoch)) })

	entries, err := Walk(src, Reproducible(witnessEpoch))
	testutil.Must(t, err)
	var want []string
	for _, e := range entries {
		want = append(want, tarName(e))
	}
	if got := tool(t, "", "", "tar", "--quoting-style=literal", "-tf", file); got != strings.Join(want, "\n")+"\n" {
		t.Errorf("tar -t order:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}

	wantLines(t, tool(t, "", "", "tar", "--numeric-owner", "-tvf", file),
		regexp.MustCompile(`^[-dlhcbp][-rwxsStT]{9} 0/0 .* 2023-11-14 22:13 `),
		`^crw-rw-rw- 0/0 +1,3 .* dev/null$`,
		`^brw-rw---- 0/0 +7,0 .* dev/loop0$`,
		`^crw------- 0/0 +259,300 .* dev/big$`,
		`^prw------- 0/0 +0 .* run/initctl$`,
		`^hrwxr-xr-x 0/0 +0 .* bin/ls link to bin/busybox$`,
		`^hrwxr-xr-x 0/0 +0 .* sbin/init link to bin/busybox$`,
		`^-rwsr-xr-x 0/0 +6 .* bin/su$`,
		`^hrw------- 0/0 +0 .* etc/shadow- link to etc/shadow$`,
		`^drwxrwxrwt 0/0 +0 .* tmp/$`,
		`^drwxrwsr-x 0/0 +0 .* srv/$`,
		`^lrwxrwxrwx 0/0 +0 .* etc/localtime -> /usr/share/zoneinfo/UTC$`,
		`^-rw-r--r-- 0/0 +9 .* deep/x{120}$`,
	)

	out := t.TempDir()
	tool(t, "", "", "tar", "--numeric-owner", "-xpf", file, "-C", out)
	compareTrees(t, src, out, witnessEpoch, true)
}

// tarName is the name GNU tar lists for an entry.
func tarName(e Entry) string {
	if e.Kind == KindDir {
		return e.Path + "/"
	}
	return e.Path
}

func TestCpioWitnessGNU(t *testing.T) {
	testutil.NeedRoot(t)
	src := build(t, fullTree(), buildOpts{mtime: time.Unix(5e8, 0), chown: true, uid: 1234, gid: 5678})
	file := archiveFile(t, src, func(b *bytes.Buffer) error { return WriteCpio(b, src, Reproducible(witnessEpoch)) })

	wantLines(t, tool(t, "", file, "cpio", "-itv", "--numeric-uid-gid", "--quiet"),
		regexp.MustCompile(`^[-dlcbp][-rwxsStT]{9} +[0-9]+ 0 +0 .* Nov 14  2023 `),
		`^crw-rw-rw- +1 0 +0 +1, +3 .* dev/null$`,
		`^brw-rw---- +1 0 +0 +7, +0 .* dev/loop0$`,
		`^crw------- +1 0 +0 +259, +300 .* dev/big$`,
		`^prw------- +1 0 +0 +0 .* run/initctl$`,
		`^-rwxr-xr-x +3 0 +0 +0 .* bin/busybox$`,
		`^-rwxr-xr-x +3 0 +0 +0 .* bin/ls$`,
		`^-rwxr-xr-x +3 0 +0 +23 .* sbin/init$`,
		`^-rwsr-xr-x +1 0 +0 +6 .* bin/su$`,
		`^-rw------- +2 0 +0 +0 .* etc/shadow-$`,
		`^drwxrwxrwt +2 0 +0 +0 .* tmp$`,
		`^drwxrwsr-x +2 0 +0 +0 .* srv$`,
		`^lrwxrwxrwx +1 0 +0 +23 .* etc/localtime -> /usr/share/zoneinfo/UTC$`,
	)

	out := t.TempDir()
	tool(t, out, file, "cpio", "-idm", "--quiet", "--no-absolute-filenames")
	compareTrees(t, src, out, witnessEpoch, false)
}

func TestCpioTrailerAndPadding(t *testing.T) {
	src := build(t, portableTree(), buildOpts{mtime: time.Unix(1, 0)})
	var buf bytes.Buffer
	testutil.Must(t, WriteCpio(&buf, src, Reproducible(0)))
	b := buf.Bytes()
	if len(b)%4 != 0 {
		t.Errorf("archive length %d is not a multiple of 4", len(b))
	}
	trailer := "070701" + strings.Repeat("00000000", 4) + "00000001" + strings.Repeat("00000000", 6) +
		"0000000B" + "00000000" + "TRAILER!!!\x00" + "\x00\x00\x00"
	if !bytes.HasSuffix(b, []byte(trailer)) {
		t.Errorf("archive does not end with the trailer record: %q", b[len(b)-len(trailer):])
	}
}
