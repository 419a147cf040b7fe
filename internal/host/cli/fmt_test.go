package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFmtAndLint: fmt --check fails on an unformatted file and leaves it,
// fmt formats it in place, lint reports what buildifier would.
func TestFmtAndLint(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "lib", "x.star")
	if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
		t.Fatal(err)
	}
	messy := "def f():\n    unused = 1\n    return {'a':1}\n"
	if err := os.WriteFile(f, []byte(messy), 0o644); err != nil {
		t.Fatal(err)
	}
	main := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := Main(context.Background(), args, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	if code, out, errs := main("fmt", "--check", dir); code != 1 || out != f+"\n" || !strings.Contains(errs, "1 of 1 .star files are not formatted") {
		t.Errorf("fmt --check: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if data, _ := os.ReadFile(f); string(data) != messy {
		t.Errorf("fmt --check changed the file")
	}
	if code, _, errs := main("fmt", dir); code != 0 {
		t.Errorf("fmt: exit %d: %s", code, errs)
	}
	if data, _ := os.ReadFile(f); string(data) != "def f():\n    unused = 1\n    return {\"a\": 1}\n" {
		t.Errorf("fmt wrote %q", data)
	}
	if code, _, _ := main("fmt", "--check", dir); code != 0 {
		t.Errorf("fmt --check after fmt: exit %d", code)
	}
	if code, out, _ := main("lint", dir); code != 1 || !strings.Contains(out, f+":2:5: unused-variable:") {
		t.Errorf("lint: exit %d, stdout %q", code, out)
	}
}
