package debunpack

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
)

// ErrFormat is wrapped by every error about a malformed or unsupported
// .deb, as opposed to an I/O failure.
var ErrFormat = errors.New("not a valid .deb")

// formatError is a malformed-package error; it matches [ErrFormat].
type formatError struct {
	msg string
	err error // the cause, if any
}

// Error returns the message.
func (e *formatError) Error() string {
	if e.err != nil {
		return e.msg + ": " + e.err.Error()
	}
	return e.msg
}

// Unwrap returns the cause.
func (e *formatError) Unwrap() error { return e.err }

// Is makes errors.Is(err, ErrFormat) true.
func (e *formatError) Is(target error) bool { return target == ErrFormat }

// errFormat returns a malformed-package error.
func errFormat(msg string) error { return &formatError{msg: msg} }

// errFormatf returns a malformed-package error with a formatted message.
func errFormatf(format string, args ...any) error {
	return errFormat(fmt.Sprintf(format, args...))
}

// quote quotes s for messages.
func quote(s string) string { return strconv.Quote(s) }

// errNotAr reports input that is not an ar archive.
func errNotAr(err error) error {
	if err != nil {
		return &formatError{msg: "not an ar archive", err: err}
	}
	return errFormat("not an ar archive (bad magic)")
}

// errTruncated reports input that ends inside what.
func errTruncated(what string, err error) error {
	return &formatError{msg: "truncated " + what, err: err}
}

// errArHeader reports a malformed member header.
func errArHeader(offset int64, msg string) error {
	return errFormatf("ar member header at offset %d: %s", offset, msg)
}

// errFirstMember reports a first member other than debian-binary.
func errFirstMember(name string) error {
	return errFormatf("first member is %s, want debian-binary", quote(name))
}

// errMissingMember reports an archive that ends before a required member.
func errMissingMember(want string) error {
	return errFormatf("missing member %s", want)
}

// errUnexpectedMember reports a member found where another was required.
func errUnexpectedMember(name, want string) error {
	return errFormatf("unexpected member %s, want %s (compressed with gzip, xz or zstd, or not)", quote(name), want)
}

// errMember reports a corrupt compressed stream or tar archive.
func errMember(name string, err error) error {
	return &formatError{msg: name, err: err}
}

// errControlMember reports a control.tar member that is not a plain file
// at the top.
func errControlMember(name string) error {
	return errFormatf("control.tar: member %s is not a regular file at the top", quote(name))
}

// errControlTooLarge reports an oversized control member.
func errControlTooLarge(name string, size int64) error {
	return errFormatf("control.tar: member %s is too large (%d bytes)", quote(name), size)
}

// errControl reports a malformed control file.
func errControl(msg string) error { return errFormat("control: " + msg) }

// errConffile reports a malformed line of the conffiles member.
func errConffile(line string) error {
	return errFormatf("conffiles: bad line %s", quote(line))
}

// errBadArch reports an invalid --arch value.
func errBadArch(arch string) error {
	return fmt.Errorf("invalid architecture %s", quote(arch))
}

// errArchMismatch reports a package built for another architecture.
func errArchMismatch(name, have, want string) error {
	return fmt.Errorf("package %s is for architecture %s, not %s", name, have, want)
}

// errEscapes reports a path that would leave the output directory.
func errEscapes(name string) error {
	return errFormatf("path %s leaves the output directory", quote(name))
}

// errType reports an entry type that cannot be unpacked.
func errType(flag byte) error {
	return errFormatf("unsupported tar entry type %q", flag)
}

// errBadLink reports a hard link whose target is not an earlier entry.
func errBadLink(target string) error {
	return errFormatf("hard link target %s is not an earlier non-directory entry", quote(target))
}

// errEntry adds the archive path to an error about one entry.
func errEntry(name string, err error) error {
	return fmt.Errorf("%s: %w", name, err)
}

// errParentNotDir reports a parent that is a symbolic link or another
// non-directory, which extraction never writes through.
func errParentNotDir(dir string, mode fs.FileMode) error {
	return fmt.Errorf("parent %s is not a directory (%s); refusing to write through it", dir, mode.Type())
}

// errReplace reports an existing node that cannot be replaced.
func errReplace(err error) error {
	return fmt.Errorf("cannot replace existing entry: %w", err)
}

// errOutDir reports an unusable output directory.
func errOutDir(dir string, err error) error {
	if err == nil {
		return fmt.Errorf("output %s is not a directory", dir)
	}
	return fmt.Errorf("output directory: %w", err)
}

// errDeb adds the package file to an error.
func errDeb(deb string, err error) error {
	return fmt.Errorf("%s: %w", deb, err)
}
