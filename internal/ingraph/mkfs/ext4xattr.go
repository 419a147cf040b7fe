package mkfs

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// setXattrs sets the extended attributes of the tree on the ext4 image
// img with one debugfs run, path by path and name by name in sorted
// order, so that their on-disk order and placement (in the inode or in
// an attribute block) does not depend on the order they were created in
// the source. Values go through files, since they are binary.
func setXattrs(env []string, debugfs, img string, xs []pathXattrs) error {
	dir, err := os.MkdirTemp("", "cairn-xattrs-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	script, err := xattrScript(dir, xs)
	if err != nil {
		return err
	}
	scriptPath := filepath.Join(dir, "script")
	if err := os.WriteFile(scriptPath, script, 0o600); err != nil {
		return err
	}
	return runDebugfs(env, debugfs, "-w", "-f", scriptPath, img)
}

// xattrScript writes each value to a file in dir and returns the debugfs
// commands that set them.
func xattrScript(dir string, xs []pathXattrs) ([]byte, error) {
	var script bytes.Buffer
	for i, px := range xs {
		p := "/" + strings.TrimPrefix(px.path, ".")
		if strings.ContainsAny(p, "\n\r") {
			return nil, fmt.Errorf("%q has extended attributes and a line break in its path, which debugfs cannot take: rename it", px.path)
		}
		for k, x := range px.attrs {
			vf := filepath.Join(dir, fmt.Sprintf("%d.%d", i, k))
			if err := os.WriteFile(vf, x.value, 0o600); err != nil {
				return nil, err
			}
			fmt.Fprintf(&script, "ea_set -f %s %s %s\n", debugfsQuote(vf), debugfsQuote(p), debugfsQuote(x.name))
		}
	}
	return script.Bytes(), nil
}

// debugfsQuote quotes an argument for debugfs's command parser, where ""
// inside quotes stands for one quote.
func debugfsQuote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// runDebugfs runs debugfs, which reports a failed command on stderr but
// still exits 0: any stderr output is an error.
func runDebugfs(env []string, debugfs string, args ...string) error {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(debugfs, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, &stdout, &stderr
	err := cmd.Run()
	if msg := strings.TrimSpace(stderr.String()); err != nil || msg != "" && !onlyBanner(msg) {
		return fmt.Errorf("debugfs %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	return nil
}

// onlyBanner reports whether debugfs's stderr holds just its version
// banner ("debugfs 1.47.0 (5-Feb-2023)").
func onlyBanner(msg string) bool {
	return !strings.Contains(msg, "\n") && strings.HasPrefix(msg, "debugfs ")
}
