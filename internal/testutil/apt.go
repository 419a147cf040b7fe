package testutil

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// AptUpdate runs the host's apt-get update against one repository (a
// directory, read as file:) in a private apt state, with keyFile as its
// Signed-By ("" for none), and returns apt's output and the state
// directory for AptCache. A warning or error line from apt is an error:
// apt ignores an unusable source with a warning.
func AptUpdate(tb testing.TB, repo, suite, component, keyFile string) (out, state string, err error) {
	tb.Helper()
	NeedTool(tb, "apt-get")
	state = tb.TempDir()
	for _, d := range []string{"lists/partial", "cache/archives/partial", "etc/sources.list.d", "etc/preferences.d", "etc/apt.conf.d"} {
		Must(tb, os.MkdirAll(filepath.Join(state, d), 0o755))
	}
	signed := ""
	if keyFile != "" {
		signed = " [signed-by=" + keyFile + "]"
	}
	Must(tb, os.WriteFile(filepath.Join(state, "etc/sources.list"), []byte("deb"+signed+" file:"+repo+" "+suite+" "+component+"\n"), 0o644))
	b, err := exec.Command("apt-get", aptOptions(state, "update")...).CombinedOutput()
	if err == nil && (bytes.Contains(b, []byte("\nW:")) || bytes.Contains(b, []byte("\nE:")) || bytes.HasPrefix(b, []byte("W:"))) {
		err = errors.New("apt-get update warned")
	}
	return string(b), state, err
}

// AptCache runs apt-cache with the state AptUpdate made.
func AptCache(tb testing.TB, state string, args ...string) string {
	tb.Helper()
	b, err := exec.Command("apt-cache", aptOptions(state, args...)...).CombinedOutput()
	if err != nil {
		tb.Fatalf("apt-cache %v: %v\n%s", args, err, b)
	}
	return string(b)
}

func aptOptions(state string, args ...string) []string {
	return append([]string{"-o", "Dir::State=" + state, "-o", "Dir::State::status=/dev/null", "-o", "Dir::Cache=" + state + "/cache",
		"-o", "Dir::Etc=" + state + "/etc", "-o", "Dir::Etc::sourcelist=" + state + "/etc/sources.list",
		"-o", "Dir::Etc::sourceparts=" + state + "/etc/sources.list.d", "-o", "APT::Architecture=amd64",
		"-o", "Debug::NoLocking=1", "-o", "Acquire::Languages=none", "-o", "APT::Sandbox::User=root"}, args...)
}
