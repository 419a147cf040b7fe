package diskimg

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"

	"github.com/cairn-build/cairn/internal/ingraph/sparse"
)

// inputs are the spec's open partition images and raw-write files.
type inputs struct {
	images     []*os.File // nil for a partition without an image
	imageSizes []int64
	raws       []*os.File
	rawSizes   []int64
}

// openInputs opens every file the spec names.
func openInputs(spec *Spec) (*inputs, error) {
	in := &inputs{}
	for _, p := range spec.Partitions {
		f, size, err := openInput(p.Image)
		in.images, in.imageSizes = append(in.images, f), append(in.imageSizes, size)
		if err != nil {
			in.close()
			return nil, err
		}
	}
	for _, w := range spec.RawWrites {
		f, size, err := openInput(w.File)
		in.raws, in.rawSizes = append(in.raws, f), append(in.rawSizes, size)
		if err != nil {
			in.close()
			return nil, err
		}
	}
	return in, nil
}

// openInput opens a regular file and returns its size; "" opens nothing.
func openInput(path string) (*os.File, int64, error) {
	if path == "" {
		return nil, 0, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s is a %v, not a regular file", path, fi.Mode().Type())
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, fi.Size(), nil
}

// close closes every open file.
func (in *inputs) close() {
	for _, f := range append(append([]*os.File{}, in.images...), in.raws...) {
		if f != nil {
			f.Close()
		}
	}
}

// fill copies the partition images and raw writes into the raw image
// through w and returns the sha256 of each image (nil for an empty
// partition) and of each raw-write file.
func (in *inputs) fill(l *layout, w io.WriterAt) (imageSums, rawSums [][]byte, err error) {
	for i, p := range l.parts {
		sum, err := copyFile(w, p.Offset, in.images[i], p.imageSize)
		if err != nil {
			return nil, nil, fmt.Errorf("partition %s: %w", p.label, err)
		}
		imageSums = append(imageSums, sum)
	}
	for i, r := range l.raws {
		sum, err := copyFile(w, r.Offset, in.raws[i], r.size)
		if err != nil {
			return nil, nil, fmt.Errorf("raw write %q: %w", r.File, err)
		}
		rawSums = append(rawSums, sum)
	}
	return imageSums, rawSums, nil
}

// copyFile copies the size bytes of f, if any, to w at off, leaving holes
// for its holes and its blocks of zeros, and returns its sha256.
func copyFile(w io.WriterAt, off int64, f *os.File, size int64) ([]byte, error) {
	if f == nil {
		return nil, nil
	}
	h := sha256.New()
	s := sparse.NewStream(w, off)
	if err := s.Copy(f, 0, size, h); err != nil {
		return nil, err
	}
	if err := s.Flush(); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}
