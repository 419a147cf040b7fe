package archive

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cairn-build/cairn/internal/testutil"
)

// encoders names the two writers under test.
var encoders = map[string]func(*bytes.Buffer, string, Options) error{
	"tar":  func(b *bytes.Buffer, root string, o Options) error { return WriteTar(b, root, o) },
	"cpio": func(b *bytes.Buffer, root string, o Options) error { return WriteCpio(b, root, o) },
}

// encode returns the archive of root.
func encode(t *testing.T, format, root string, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	testutil.Must(t, encoders[format](&buf, root, opts))
	return buf.Bytes()
}

func TestSameTreeTwice(t *testing.T) {
	root := build(t, portableTree(), buildOpts{mtime: time.Unix(1e9, 0)})
	for format := range encoders {
		a, b := encode(t, format, root, Reproducible(7)), encode(t, format, root, Reproducible(7))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two archives of one tree differ", format)
		}
	}
}

func TestHostDetailsDoNotLeak(t *testing.T) {
	testutil.NeedRoot(t)
	a := build(t, fullTree(), buildOpts{mtime: time.Unix(1e9, 0)})
	b := build(t, fullTree(), buildOpts{reverse: true, mtime: time.Unix(2e9, 5), chown: true, uid: 1234, gid: 5678})
	for format := range encoders {
		if !bytes.Equal(encode(t, format, a, Reproducible(7)), encode(t, format, b, Reproducible(7))) {
			t.Errorf("%s: archives of equal trees built differently differ", format)
		}
		if bytes.Equal(encode(t, format, a, Options{Epoch: 7}), encode(t, format, b, Options{Epoch: 7})) {
			t.Errorf("%s: keeping host owners made no difference; the test tree is not exercising owners", format)
		}
	}
}

func TestOptionsChangeOutput(t *testing.T) {
	root := build(t, portableTree(), buildOpts{mtime: time.Unix(1e9, 0)})
	for format := range encoders {
		base := encode(t, format, root, Reproducible(7))
		if bytes.Equal(base, encode(t, format, root, Reproducible(8))) {
			t.Errorf("%s: epoch is not recorded", format)
		}
		uid := 1000
		opts := Reproducible(7)
		opts.UID = &uid
		if bytes.Equal(base, encode(t, format, root, opts)) {
			t.Errorf("%s: forced uid is not recorded", format)
		}
	}
}

func TestFileChangedWhileArchiving(t *testing.T) {
	root := build(t, portableTree(), buildOpts{mtime: time.Unix(1e9, 0)})
	entries, err := Walk(root, Reproducible(0))
	testutil.Must(t, err)
	for _, size := range []int{1, 100} {
		testutil.Must(t, os.WriteFile(root+"/etc/passwd", []byte(strings.Repeat("x", size)), 0o644))
		for name, enc := range map[string]func() error{
			"tar":  func() error { return encodeTar(&bytes.Buffer{}, entries) },
			"cpio": func() error { return encodeCpio(&bytes.Buffer{}, entries) },
		} {
			if err := enc(); err == nil || !strings.Contains(err.Error(), "changed size") {
				t.Errorf("%s, file now %d bytes: error %v, want a changed-size error", name, size, err)
			}
		}
	}
}

func TestCpioRejectsLargeEpoch(t *testing.T) {
	root := build(t, portableTree(), buildOpts{mtime: time.Unix(1e9, 0)})
	if err := WriteCpio(&bytes.Buffer{}, root, Reproducible(1<<32)); err == nil {
		t.Error("cpio accepted an mtime past 2106")
	}
	if err := WriteTar(&bytes.Buffer{}, root, Reproducible(1<<32)); err != nil {
		t.Errorf("tar rejected an mtime past 2106: %v", err)
	}
}
