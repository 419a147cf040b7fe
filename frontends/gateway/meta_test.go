package gateway

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"testing"

	fstypes "github.com/tonistiigi/fsutil/types"
)

// metadata encodes stats as a metadata-only transfer writes them.
func metadata(t *testing.T, stats ...*fstypes.Stat) []byte {
	var out []byte
	for _, st := range stats {
		dt, err := st.MarshalVT()
		if err != nil {
			t.Fatal(err)
		}
		out = binary.LittleEndian.AppendUint32(out, uint32(len(dt)))
		out = append(out, dt...)
	}
	return out
}

func TestMetaTree(t *testing.T) {
	dir, file, link := uint32(fs.ModeDir|0o755), uint32(0o644), uint32(fs.ModeSymlink|0o777)
	m, err := parseMetadata(metadata(t,
		&fstypes.Stat{Path: "lib", Mode: dir},
		&fstypes.Stat{Path: "lib/a.star", Mode: file, Size: 3},
		&fstypes.Stat{Path: "lib/up", Mode: link, Linkname: "../rootfs"},
		&fstypes.Stat{Path: "rootfs", Mode: dir},
		&fstypes.Stat{Path: "rootfs/etc", Mode: dir},
		&fstypes.Stat{Path: "abs", Mode: link, Linkname: "/lib/a.star"},
		&fstypes.Stat{Path: "out", Mode: link, Linkname: "../../etc"},
	))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"lib/up/etc": "rootfs/etc", "abs": "lib/a.star", ".": ".", "lib/a.star": "lib/a.star"} {
		if got, _, err := m.resolve(name); err != nil || got != want {
			t.Errorf("resolve(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	for _, name := range []string{"out", "nope", "lib/nope"} {
		if _, _, err := m.resolve(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("resolve(%q): %v, want it not to exist", name, err)
		}
	}
	fsys := &refFS{meta: m}
	if info, err := fsys.Stat("lib/up"); err != nil || !info.IsDir() {
		t.Errorf("Stat(lib/up) = %v, %v; want the directory it links to", info, err)
	}
	entries, err := fsys.ReadDir("lib")
	if err != nil || len(entries) != 2 || entries[0].Name() != "a.star" || entries[1].Name() != "up" {
		t.Errorf("ReadDir(lib) = %v, %v", entries, err)
	}
	if _, err := parseMetadata([]byte{9, 0, 0, 0, 1}); err == nil {
		t.Error("a truncated metadata file parsed")
	}
}
