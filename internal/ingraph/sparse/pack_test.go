package sparse

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// sparseFile writes a 64 MiB file with data at its start, in its middle
// and just before its end, and holes between.
func sparseFile(t *testing.T) (*os.File, []byte) {
	t.Helper()
	const size = 64 << 20
	want := make([]byte, size)
	f, err := os.Create(filepath.Join(t.TempDir(), "img"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	for _, at := range []int64{0, 20 << 20, size - 5000} {
		piece := bytes.Repeat([]byte{byte(at>>20) + 1}, 3000)
		copy(want[at:], piece)
		if _, err := f.WriteAt(piece, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	return f, want
}

// A packed file comes back byte for byte, with the sum of every byte, as a
// file that allocates about what its data needs.
func TestPackRoundTrip(t *testing.T) {
	f, want := sparseFile(t)
	ranges := Ranges(f, 0, int64(len(want)))
	var packed bytes.Buffer
	if err := Pack(&packed, f, int64(len(want)), ranges); err != nil {
		t.Fatal(err)
	}
	if want := int64(len(packMagic)+16+16*len(ranges)) + dataBytes(ranges); int64(packed.Len()) != want {
		t.Errorf("packed %d bytes, want the header, %d ranges and their data: %d", packed.Len(), len(ranges), want)
	}
	if packed.Len() > 1<<20 {
		t.Errorf("packed a 64 MiB file with 9000 bytes of data into %d bytes", packed.Len())
	}
	out, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	sum := sha256.New()
	size, err := Unpack(&packed, out, NewStream(nil, 0), sum)
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(len(want)) {
		t.Fatalf("size %d, want %d", size, len(want))
	}
	got, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("unpacked bytes differ from the original")
	}
	if w := sha256.Sum256(want); !bytes.Equal(sum.Sum(nil), w[:]) {
		t.Error("the sum is not the SHA-256 of the file")
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(out.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	if alloc := st.Blocks * 512; alloc > 1<<20 {
		t.Errorf("the unpacked file allocates %d bytes for 9000 bytes of data", alloc)
	}
}

// Damage is reported, never written as a file of the wrong bytes.
func TestUnpackRefusesDamage(t *testing.T) {
	f, want := sparseFile(t)
	var packed bytes.Buffer
	if err := Pack(&packed, f, int64(len(want)), Ranges(f, 0, int64(len(want)))); err != nil {
		t.Fatal(err)
	}
	good := packed.Bytes()
	cases := map[string]struct {
		data []byte
		want string
	}{
		"not packed": {[]byte("an ordinary file, long enough for a header"), "not a packed sparse file"},
		"short":      {good[:10], "not a packed sparse file"},
		"truncated":  {good[:len(good)-100], "ends early"},
		"trailing":   {append(append([]byte{}, good...), 'x'), "data after its last range"},
		"version":    {append(append([]byte("CAIRNSPK"), 0, 0, 0, 9), good[12:]...), "version 9"},
	}
	for name, c := range cases {
		out, err := os.Create(filepath.Join(t.TempDir(), "out"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Unpack(bytes.NewReader(c.data), out, NewStream(nil, 0), sha256.New())
		out.Close()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", name, err, c.want)
		}
		if name == "not packed" && !errors.Is(err, ErrNotPacked) {
			t.Errorf("%s: error %v is not ErrNotPacked", name, err)
		}
	}
}
