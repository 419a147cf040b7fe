package archive

import (
	"errors"

	"golang.org/x/sys/unix"
)

// readXattrs returns the recorded extended attributes of the host file
// name, without following a symbolic link, sorted by name. A file system
// without extended attributes has none.
func readXattrs(name string) ([]Xattr, error) {
	list, err := readSized(func(b []byte) (int, error) { return unix.Llistxattr(name, b) })
	if errors.Is(err, unix.ENOTSUP) {
		return nil, nil
	}
	if err != nil {
		return nil, errWrap("list extended attributes of", name, err)
	}
	var out []Xattr
	for _, attr := range splitXattrNames(list) {
		v, err := readSized(func(b []byte) (int, error) { return unix.Lgetxattr(name, attr, b) })
		if errors.Is(err, unix.ENODATA) {
			continue // removed since it was listed
		}
		if err != nil {
			return nil, errWrap("read extended attribute "+attr+" of", name, err)
		}
		out = append(out, Xattr{Name: attr, Value: string(v)})
	}
	return out, nil
}

// readSized calls get with a buffer large enough for its answer: first
// with none to learn the size, then again while the value grows.
func readSized(get func([]byte) (int, error)) ([]byte, error) {
	for {
		n, err := get(nil)
		if err != nil || n == 0 {
			return nil, err
		}
		buf := make([]byte, n)
		switch n, err = get(buf); {
		case err == nil:
			return buf[:n], nil
		case !errors.Is(err, unix.ERANGE):
			return nil, err
		}
	}
}
