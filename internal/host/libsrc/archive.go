package libsrc

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"testing/fstest"
	"time"

	"github.com/cairn-build/cairn/internal/decompress"
)

// ReadArchive reads a tar archive (plain, gzip, xz or zstd) into memory as
// a file system: its regular files and their directories. Links, devices
// and the like are left out (a library is text), and so are names that
// would leave the tree. what names the archive in errors. The gateway
// frontend reads http libraries with it too.
func ReadArchive(data []byte, what string) (fs.FS, error) {
	r, err := decompress.Reader(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	out := fstest.MapFS{} // fstest's MapFS is a plain in-memory fs.FS
	tr := tar.NewReader(r)
	total := int64(0)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: not a tar archive: %w", what, err)
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "/"))
		if h.Typeflag != tar.TypeReg || !fs.ValidPath(name) || name == "." {
			continue
		}
		if total += h.Size; total > maxArchive {
			return nil, fmt.Errorf("%s: larger than %d MiB unpacked; a library is .star files, not a payload", what, maxArchive>>20)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", what, name, err)
		}
		out[name] = &fstest.MapFile{Data: b, Mode: 0o644, ModTime: time.Unix(0, 0)}
	}
	return out, nil
}
