package sparse

import (
	"bytes"
	"crypto/sha256"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
	"golang.org/x/sys/unix"
)

// recorder is an io.WriterAt that records what reaches it.
type recorder struct {
	data  []byte
	calls [][2]int64 // offset, length
}

func (r *recorder) WriteAt(p []byte, off int64) (int, error) {
	if end := off + int64(len(p)); end > int64(len(r.data)) {
		r.data = append(r.data, make([]byte, end-int64(len(r.data)))...)
	}
	copy(r.data[off:], p)
	r.calls = append(r.calls, [2]int64{off, int64(len(p))})
	return len(p), nil
}

// TestWriterSkipsZeroBlocks: blocks are counted from the start of the
// file, whatever the offset of the write; neighbouring data blocks go in
// one write; the bytes read back are those written.
func TestWriterSkipsZeroBlocks(t *testing.T) {
	p := make([]byte, 5*BlockSize)
	p[10] = 1            // block 0 (file offset 100+10)
	p[BlockSize] = 2     // block 1 (file offset 4196): shares file block 1
	p[4*BlockSize+7] = 3 // last
	rec := &recorder{}
	n, err := NewWriter(rec).WriteAt(p, 100)
	if err != nil || n != len(p) {
		t.Fatalf("WriteAt: %d, %v", n, err)
	}
	want := [][2]int64{{100, 2*BlockSize - 100}, {4 * BlockSize, BlockSize}}
	if len(rec.calls) != len(want) || rec.calls[0] != want[0] || rec.calls[1] != want[1] {
		t.Errorf("writes %v, want %v", rec.calls, want)
	}
	got := append(rec.data, make([]byte, 100+len(p)-len(rec.data))...)
	if !bytes.Equal(got[100:], p) {
		t.Error("bytes differ from the input")
	}
	rec = &recorder{}
	if _, err := NewWriter(rec).WriteAt(make([]byte, 3*BlockSize), 5); err != nil || len(rec.calls) != 0 {
		t.Errorf("all zeros: writes %v, %v", rec.calls, err)
	}
}

// TestStreamMatchesDenseCopy writes one file through a Stream (data,
// short and long skips, a copy of a sparse input) and compares it with
// the same bytes written densely; the output must have holes and the
// hash must cover every byte.
func TestStreamMatchesDenseCopy(t *testing.T) {
	dir := t.TempDir()
	in, err := os.Create(filepath.Join(dir, "in"))
	testutil.Must(t, err)
	defer in.Close()
	testutil.Must(t, in.Truncate(8<<20))
	noise := make([]byte, 300000)
	rand.NewChaCha8([32]byte{7}).Read(noise)
	_, err = in.WriteAt(noise, 3<<20)
	testutil.Must(t, err)

	var dense bytes.Buffer
	dense.WriteString("head")
	dense.Write(make([]byte, 1000))
	dense.Write(make([]byte, 2<<20))
	whole := make([]byte, 8<<20)
	copy(whole[3<<20:], noise)
	dense.Write(whole[1<<20 : 7<<20])
	dense.WriteString("tail")

	out, err := os.Create(filepath.Join(dir, "out"))
	testutil.Must(t, err)
	defer out.Close()
	testutil.Must(t, out.Truncate(int64(dense.Len())))
	s := NewStream(out, 0)
	_, err = s.Write([]byte("head"))
	testutil.Must(t, err)
	testutil.Must(t, s.Skip(1000))
	testutil.Must(t, s.SkipTo(s.Pos()+2<<20))
	sum := sha256.New()
	testutil.Must(t, s.Copy(in, 1<<20, 6<<20, sum))
	_, err = s.Write([]byte("tail"))
	testutil.Must(t, err)
	testutil.Must(t, s.Flush())

	got, err := os.ReadFile(out.Name())
	testutil.Must(t, err)
	if !bytes.Equal(got, dense.Bytes()) {
		t.Error("stream output differs from the dense bytes")
	}
	if want := sha256.Sum256(whole[1<<20 : 7<<20]); !bytes.Equal(sum.Sum(nil), want[:]) {
		t.Error("Copy's hash does not cover the copied range, holes as zeros")
	}
	if s.SkipTo(0) == nil {
		t.Error("SkipTo backwards succeeded")
	}
	var st unix.Stat_t
	testutil.Must(t, unix.Stat(out.Name(), &st))
	if used := st.Blocks * 512; used >= int64(len(got))/2 {
		t.Logf("output uses %d of %d bytes: this file system keeps no holes", used, len(got))
	}
}

func TestWriteZeros(t *testing.T) {
	var b bytes.Buffer
	n, err := WriteZeros(&b, 3<<20+5)
	if err != nil || n != 3<<20+5 || b.Len() != 3<<20+5 || !IsZero(b.Bytes()) {
		t.Errorf("WriteZeros: %d, %v, %d bytes", n, err, b.Len())
	}
	if IsZero([]byte{0, 0, 1}) || !IsZero(nil) {
		t.Error("IsZero")
	}
}
