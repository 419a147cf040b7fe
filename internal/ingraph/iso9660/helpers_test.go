package iso9660

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// tool runs a witness program and returns its standard output; it fails
// the test if the program is missing or fails.
func tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("witness %s not installed (apt-get install xorriso genisoimage): %v", name, err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %q: %v\n%s%s", name, args, err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// writeFile creates a file with its parents.
func writeFile(t *testing.T, path string, data []byte, mode os.FileMode) {
	t.Helper()
	testutil.Must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	testutil.Must(t, os.WriteFile(path, data, mode))
	testutil.Must(t, os.Chmod(path, mode))
}

// writeISO writes src with opts into a new directory and returns the
// images.
func writeISO(t *testing.T, src string, opts Options) []Image {
	t.Helper()
	if opts.VolumeID == "" {
		opts.VolumeID = "TEST"
	}
	imgs, err := Write(src, t.TempDir(), "image", opts)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	return imgs
}

// lsEntry is one line of xorriso's -exec lsdl.
type lsEntry struct {
	perm, uid, gid, size, target string
}

// lsdl lists an image's tree as xorriso reads it; readFS is xorriso's
// -read_fs value ("any" reads Rock Ridge, "norock" Joliet).
func lsdl(t *testing.T, iso, readFS string) map[string]lsEntry {
	t.Helper()
	out := tool(t, "xorriso", "-read_fs", readFS, "-indev", iso, "-find", "/", "-exec", "lsdl")
	m := map[string]lsEntry{}
	for _, line := range strings.Split(out, "\n") {
		i := strings.Index(line, " '/")
		if i < 0 {
			continue
		}
		f := strings.Fields(line[:i])
		name, target, _ := strings.Cut(line[i+2:], "' -> '")
		e := lsEntry{perm: f[0], uid: f[2], gid: f[3], size: f[4], target: strings.TrimSuffix(target, "'")}
		m[strings.TrimSuffix(name, "'")] = e
	}
	return m
}

// expectLs lists the source tree the way lsdl shows it.
func expectLs(t *testing.T, src string) map[string]lsEntry {
	t.Helper()
	m := map[string]lsEntry{}
	testutil.Must(t, filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		testutil.Must(t, err)
		fi, err := os.Lstat(p)
		testutil.Must(t, err)
		st := fi.Sys().(*syscall.Stat_t)
		rel, _ := filepath.Rel(src, p)
		e := lsEntry{perm: permString(fi.Mode()), uid: itoa(st.Uid), gid: itoa(st.Gid), size: "0"}
		if fi.Mode().IsRegular() {
			e.size = itoa(fi.Size())
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			e.target, _ = os.Readlink(p)
		}
		key := "/" + filepath.ToSlash(rel)
		if rel == "." {
			key = "/"
		}
		m[key] = e
		return nil
	}))
	return m
}

// itoa formats a number.
func itoa[T uint32 | int64](v T) string { return strconv.FormatInt(int64(v), 10) }

// permString renders a mode as ls does.
func permString(m fs.FileMode) string {
	b := []byte("----------")
	switch {
	case m.IsDir():
		b[0] = 'd'
	case m&fs.ModeSymlink != 0:
		b[0] = 'l'
	}
	for i, c := range "rwxrwxrwx" {
		if m&(1<<(8-i)) != 0 {
			b[1+i] = byte(c)
		}
	}
	special := func(i int, on bool, set, unset byte) {
		if on {
			if b[i] == 'x' {
				b[i] = set
			} else {
				b[i] = unset
			}
		}
	}
	special(3, m&fs.ModeSetuid != 0, 's', 'S')
	special(6, m&fs.ModeSetgid != 0, 's', 'S')
	special(9, m&fs.ModeSticky != 0, 't', 'T')
	return string(b)
}

// isoinfoFields parses isoinfo -d output into "Key: value" pairs.
func isoinfoFields(t *testing.T, iso string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, line := range strings.Split(tool(t, "isoinfo", "-d", "-i", iso), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

// extract unpacks an image's Rock Ridge tree with xorriso.
func extract(t *testing.T, iso string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "x")
	tool(t, "xorriso", "-osirrox", "on", "-indev", iso, "-extract", "/", dir)
	return dir
}
