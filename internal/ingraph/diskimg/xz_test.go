package diskimg

import (
	"bytes"
	"os/exec"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// TestSegmentedXZ checks that the segmented stream does not depend on
// the number of workers or on how writes are cut, and that xz -d reads
// all its streams back.
func TestSegmentedXZ(t *testing.T) {
	data := make([]byte, 2*xzSegment+3*mib)
	copy(data[5:], pattern(10, 2))
	copy(data[2*xzSegment+1000:], pattern(100000, 1))
	var outs [][]byte
	for _, tc := range []struct{ workers, piece int }{{1, chunkSize}, {3, 777777}} {
		var b bytes.Buffer
		s := newSegmentedXZ(&b)
		s.workers = tc.workers
		for p := data; len(p) > 0; {
			n := min(len(p), tc.piece)
			_, err := s.Write(p[:n])
			testutil.Must(t, err)
			p = p[n:]
		}
		testutil.Must(t, s.Close())
		outs = append(outs, b.Bytes())
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("output depends on workers or write sizes")
	}
	cmd := exec.Command("xz", "-d", "-c")
	cmd.Stdin = bytes.NewReader(outs[0])
	got, err := cmd.Output()
	testutil.Must(t, err)
	if !bytes.Equal(got, data) {
		t.Errorf("xz -d gives %d bytes, not the %d written", len(got), len(data))
	}

	var empty bytes.Buffer
	testutil.Must(t, newSegmentedXZ(&empty).Close())
	cmd = exec.Command("xz", "-t")
	cmd.Stdin = &empty
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("xz -t of an empty input's output: %v %s", err, out)
	}
}
