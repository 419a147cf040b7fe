package lang

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"
)

// A project is read through an os.Root (see Options.Project), which
// refuses to follow a symbolic link out of the project directory. Its
// error ("path escapes from parent") would read as a missing or unreadable
// file; EscapingLink finds the link to name instead. stdlib uses it for
// the builtins that read project paths, lang for load().

// EscapingLink returns the first symbolic link on the way to p that fsys
// refuses to follow, and the link's target ("" when unreadable), when err
// (from reading p) is such a refusal.
func EscapingLink(fsys fs.FS, p string, err error) (link, target string, ok bool) {
	if !refusal(err) {
		return "", "", false
	}
	parts := strings.Split(p, "/")
	for i := range parts {
		q := strings.Join(parts[:i+1], "/")
		info, err := fs.Lstat(fsys, q)
		if err != nil {
			return "", "", false
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		if _, err := fs.Stat(fsys, q); refusal(err) {
			target, _ := fs.ReadLink(fsys, q)
			return q, target, true
		}
	}
	return "", "", false
}

// refusal reports whether err is neither success nor one of the reasons
// a path inside the project fails to open (missing, unreadable, a loop of
// links): what is left is the root refusing to leave the project.
func refusal(err error) bool {
	return err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) && !errors.Is(err, syscall.ELOOP)
}
