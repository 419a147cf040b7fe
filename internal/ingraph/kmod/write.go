package kmod

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// LoadList is the file, in the output's modules directory, that lists the
// selected module files in load order, one "name path" line each, path
// relative to that directory: an init without kmod can insmod them in
// turn. Built-in modules are not listed.
const LoadList = "cairn.load"

// copied are the modules directory's files copied whole when present.
var copied = []string{"modules.builtin", "modules.builtin.modinfo"}

// Write puts the selected modules and firmware below out, which must be
// missing or empty: usr/lib/modules/VERSION/ with the module files at
// their paths, modules.dep and modules.order filtered to the selection,
// modules.builtin and modules.builtin.modinfo, modules.alias and
// modules.softdep (copied if present, else made from the selected
// modules' .modinfo), and LoadList; firmware goes to usr/lib/firmware/.
// Files get mode 0644, directories 0755, and everything mtime.
func (s *Selection) Write(out string, mtime time.Time) error {
	if err := checkEmpty(out); err != nil {
		return err
	}
	w := &writer{out: out, mods: path.Join("usr/lib/modules", s.tree.version)}
	steps := []func(*writer) error{s.writeModules, s.writeIndex, s.writeFirmware, s.writeLoadList}
	for _, step := range steps {
		if err := step(w); err != nil {
			return err
		}
	}
	return setTimes(out, mtime)
}

// writer creates files below out.
type writer struct {
	out  string // host directory
	mods string // modules directory, relative to out
}

// checkEmpty accepts a missing or empty directory and creates it.
func checkEmpty(out string) error {
	entries, err := os.ReadDir(out)
	if err == nil && len(entries) > 0 {
		return errOutNotEmpty(out)
	}
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.MkdirAll(out, 0o755)
}

// create opens a new file at rel below out, making its parents.
func (w *writer) create(rel string) (*os.File, error) {
	host := filepath.Join(w.out, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(host), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(host, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	return f, f.Chmod(0o644)
}

// writeFile writes data to rel below out.
func (w *writer) writeFile(rel string, data []byte) error {
	f, err := w.create(rel)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return closeWith(f, err)
}

// copyFile copies the host file src to rel below out.
func (w *writer) copyFile(rel, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	f, err := w.create(rel)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, in)
	return closeWith(f, err)
}

// closeWith closes f and returns err or the close error.
func closeWith(f *os.File, err error) error {
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", f.Name(), err)
	}
	return nil
}

// writeModules copies the selected module files as they are.
func (s *Selection) writeModules(w *writer) error {
	for _, m := range s.Modules {
		if m.Builtin {
			continue
		}
		src, err := s.tree.hostPath(m.Path)
		if err != nil {
			return errModule(m.Name, m.Path, err)
		}
		if err := w.copyFile(path.Join(w.mods, m.Path), src); err != nil {
			return err
		}
	}
	return nil
}

// writeFirmware copies the firmware found, following symlinks inside the
// root: the copy is a regular file.
func (s *Selection) writeFirmware(w *writer) error {
	for _, fw := range s.Firmware {
		if err := w.copyFile(path.Join("usr/lib/firmware", fw.Path), fw.host); err != nil {
			return err
		}
	}
	return nil
}

// writeLoadList writes LoadList.
func (s *Selection) writeLoadList(w *writer) error {
	var b strings.Builder
	for _, m := range s.Modules {
		if !m.Builtin {
			fmt.Fprintf(&b, "%s %s\n", m.Name, m.Path)
		}
	}
	return w.writeFile(path.Join(w.mods, LoadList), []byte(b.String()))
}

// setTimes gives out and everything below it the time mtime, children
// before parents so no directory's time changes afterwards, and every
// directory mode 0755 whatever the umask.
func setTimes(out string, mtime time.Time) error {
	var paths []string
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			err = os.Chmod(p, 0o755)
		}
		paths = append(paths, p)
		return err
	})
	if err != nil {
		return err
	}
	for _, p := range slices.Backward(paths) {
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			return err
		}
	}
	return nil
}
