package debunpack

import (
	"io"
	"strings"
)

// maxVersionMember bounds the debian-binary member.
const maxVersionMember = 1024

// supportedFormat reports whether the first line of debian-binary is
// one dpkg-deb accepts: format 2, any minor version ("2.0").
func supportedFormat(line string) bool {
	minor, ok := strings.CutPrefix(line, "2.")
	return ok && minor != "" && strings.Trim(minor, "0123456789") == ""
}

// debReader walks the members of a .deb in the order dpkg-deb requires:
// debian-binary, control.tar, data.tar, with members whose name starts
// with "_" skipped in between.
type debReader struct {
	ar *arReader
}

// openDeb checks the ar magic and the debian-binary member.
func openDeb(r io.Reader) (*debReader, error) {
	ar, err := newArReader(r)
	if err != nil {
		return nil, err
	}
	m, err := ar.Next()
	switch {
	case err == io.EOF:
		return nil, errMissingMember("debian-binary")
	case err != nil:
		return nil, err
	case m.Name != "debian-binary":
		return nil, errFirstMember(m.Name)
	}
	if m.Size > maxVersionMember {
		return nil, errFormat("debian-binary is too large")
	}
	data, err := io.ReadAll(ar.Reader())
	if err != nil {
		return nil, errTruncated("debian-binary", err)
	}
	line, _, ok := strings.Cut(string(data), "\n")
	if !ok || !supportedFormat(line) {
		return nil, errFormat("unsupported format version " + quote(line))
	}
	return &debReader{ar: ar}, nil
}

// next returns the next member that is not an ignored "_" member.
func (d *debReader) next(want string) (arMember, error) {
	for {
		m, err := d.ar.Next()
		if err == io.EOF {
			return m, errMissingMember(want)
		}
		if err != nil || !strings.HasPrefix(m.Name, "_") {
			return m, err
		}
	}
}

// tarMember reads the next member, which must be base.tar with a
// supported compression, passes the decompressed stream to read, and
// then reads the stream to its end so that checksums are verified.
func (d *debReader) tarMember(base string, allowBzip2 bool, read func(io.Reader) error) error {
	m, err := d.next(base + ".tar")
	if err != nil {
		return err
	}
	open, ok := tarMember(m.Name, base, allowBzip2)
	if !ok {
		return errUnexpectedMember(m.Name, base+".tar")
	}
	rc, err := open(d.ar.Reader())
	if err != nil {
		return errMember(m.Name, err)
	}
	defer rc.Close()
	if err := read(rc); err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return errMember(m.Name, err)
	}
	return nil
}
