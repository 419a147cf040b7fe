package rpm_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs/rpm"
	"github.com/cairn-build/cairn/internal/pkgs/rpm/rpmtest"
)

// TestReadPayload lists a package's payload as rpm2cpio | cpio does, with
// the same contents.
func TestReadPayload(t *testing.T) {
	rpmtest.Need(t)
	dir := t.TempDir()
	rpmtest.Repo(t, dir, []rpmtest.Spec{{Name: "tool", Version: "1", Release: "1", Arch: "noarch", Files: []string{"/usr/bin/tool", "/etc/tool.conf"}}}, nil)
	file := filepath.Join(dir, "Packages", "tool-1-1.noarch.rpm")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = rpm.ReadPayload(data, func(e rpm.PayloadEntry, r io.Reader) error {
		b, err := io.ReadAll(r)
		got = append(got, e.Name+"="+strings.TrimSpace(string(b)))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	out, err := exec.Command("sh", "-c", "rpm2cpio "+file+" | cpio -it --quiet").Output()
	if err != nil {
		t.Skipf("rpm2cpio | cpio: %v", err)
	}
	want := strings.Fields(string(out))
	sort.Strings(want)
	for i := range want {
		want[i] += "=tool"
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("payload %q, rpm2cpio %q", got, want)
	}
	if err := rpm.ReadPayload(data[:len(data)-20], func(rpm.PayloadEntry, io.Reader) error { return nil }); err == nil {
		t.Error("a truncated payload was read whole")
	}
}
