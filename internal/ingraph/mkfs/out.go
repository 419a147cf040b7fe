package mkfs

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// writeSized creates out atomically: fill gets out+".tmp", created empty
// and extended to size bytes (a hole, so whatever fill leaves unwritten
// costs no disk), and the result is synced and renamed to out. On error
// the temporary file is removed.
func writeSized(out string, size int64, fill func(f *os.File) error) error {
	tmp := out + ".tmp"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return errWrite(tmp, err)
	}
	err = f.Truncate(size)
	if err == nil {
		err = fill(f)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = errWrite(tmp, cerr)
	}
	if err == nil {
		err = os.Rename(tmp, out)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// lookTool finds an external program, explaining which package of the
// tools root provides it.
func lookTool(name, pkg string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s not found in PATH: the tools root needs %s", name, pkg)
	}
	return p, nil
}

// toolEnv is the environment for external tools: this process's, minus
// variables that change their output (locale, reproducibility and
// e2fsprogs knobs), plus set.
func toolEnv(set ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !toolOverride(kv) {
			env = append(env, kv)
		}
	}
	return append(env, append([]string{"LC_ALL=C"}, set...)...)
}

// toolOverride reports whether an inherited variable must not reach a
// tool.
func toolOverride(kv string) bool {
	for _, prefix := range []string{"LC_", "LANG=", "LANGUAGE=", "SOURCE_DATE_EPOCH=", "E2FSPROGS_", "MKE2FS_"} {
		if strings.HasPrefix(kv, prefix) {
			return true
		}
	}
	return false
}

// runTool runs a program with env and returns its combined output; a
// failure includes that output.
func runTool(env []string, name string, args ...string) (string, error) {
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, &out, &out
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%s: %w\n%s", strings.Join(append([]string{name}, args...), " "), err, strings.TrimSpace(out.String()))
	}
	return out.String(), nil
}
