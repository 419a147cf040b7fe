package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// A build writes each target into a temporary beside its output and swaps
// it in at the end (output.go). A build killed with SIGKILL, or a machine
// that lost power, leaves those temporaries behind. The next build removes
// them, but only cairn's own (by the names output.go gives them) and only
// when no other build holds the output directory: every build holds its
// lock shared; cleaning takes it exclusively, without waiting.

// outLockName is the lock file in an output directory.
const outLockName = ".cairn-out.lock"

// failedLogDir holds, in an output directory, the whole logs of the steps
// the last build saw fail.
const failedLogDir = ".cairn-failed"

// Names output.go gives its temporaries: the export directory, the old
// output during the swap, and the build record being written.
var (
	staleTmp    = regexp.MustCompile(`^\.([a-z0-9][a-z0-9._-]*)\.tmp-[0-9]+$`)
	staleOld    = regexp.MustCompile(`^\.([a-z0-9][a-z0-9._-]*)\.tmp-[0-9]+\.old$`)
	staleRecord = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*\.cairn\.json\.tmp$`)
)

// outputLock is a build's shared hold on its output directory.
type outputLock struct{ f *os.File }

// lockOutputs takes the output directory root for this build, first
// cleaning what earlier, interrupted builds left there if no other build
// is running; it reports the cleaning on w, once.
func lockOutputs(root string, w io.Writer) (*outputLock, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(root, outLockName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) == nil {
		done, err := cleanStale(root)
		reportStale(w, root, done)
		if err != nil {
			f.Close()
			return nil, err
		}
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_SH); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking output directory %s: %w", root, err)
	}
	return &outputLock{f}, nil
}

// release lets other builds clean the directory.
func (l *outputLock) release() { l.f.Close() }

// cleanStale removes cairn's temporaries in root and restores an output
// that an interrupted swap had moved aside. It returns what it did, one
// phrase per entry.
func cleanStale(root string) ([]string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	var done []string
	for _, e := range entries {
		what, err := cleanEntry(root, e.Name())
		if err != nil {
			return done, fmt.Errorf("removing %s left by an interrupted build: %w", filepath.Join(root, e.Name()), err)
		}
		if what != "" {
			done = append(done, what)
		}
	}
	sort.Strings(done)
	return done, nil
}

// cleanEntry handles one directory entry; "" means it is not cairn's.
func cleanEntry(root, name string) (string, error) {
	p := filepath.Join(root, name)
	if m := staleOld.FindStringSubmatch(name); m != nil {
		out := filepath.Join(root, m[1])
		if _, err := os.Lstat(out); errors.Is(err, os.ErrNotExist) {
			return "restored " + m[1] + " (moved aside by an interrupted swap)", os.Rename(p, out)
		}
		return "removed " + name, os.RemoveAll(p)
	}
	if staleTmp.MatchString(name) || staleRecord.MatchString(name) {
		return "removed " + name, os.RemoveAll(p)
	}
	return "", nil
}

func reportStale(w io.Writer, root string, done []string) {
	if len(done) == 0 {
		return
	}
	fmt.Fprintf(w, "cairn: cleaned %s after an interrupted build: %s\n", root, strings.Join(done, ", "))
}
