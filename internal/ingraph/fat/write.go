package fat

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/cairn-build/cairn/internal/ingraph/sparse"
)

// WriteTo writes the volume to w, which must read as zeros wherever
// nothing is written, as a new file truncated to Size does; free space
// and blocks of zeros are not written (through sparse.Writer), so such a
// file stays sparse. File contents are read now; a file whose size
// changed since Scan is an error.
func (v *Volume) WriteTo(w io.WriterAt) error {
	sw := sparse.NewWriter(w)
	for _, step := range []func(io.WriterAt) error{v.writeBoot, v.writeFATs, v.writeDirs, v.writeFiles} {
		if err := step(sw); err != nil {
			return err
		}
	}
	return nil
}

// writeBoot writes the boot sector and, on FAT32, the FSInfo sector and
// their backups.
func (v *Volume) writeBoot(w io.WriterAt) error {
	boot := v.bootSector()
	sectors := [][]byte{boot}
	if v.geo.bits == 32 {
		info := v.infoSectorBytes()
		sectors = [][]byte{boot, info, nil, nil, nil, nil, boot, info}
	}
	for s, b := range sectors {
		if b == nil {
			continue
		}
		if _, err := w.WriteAt(b, int64(s)*sectorSize); err != nil {
			return err
		}
	}
	return nil
}

// writeFATs writes both FAT copies.
func (v *Volume) writeFATs(w io.WriterAt) error {
	fat := v.fatBytes()
	for i := range 2 {
		if _, err := w.WriteAt(fat, v.geo.fatOffset(i)); err != nil {
			return err
		}
	}
	return nil
}

// writeDirs writes every directory, each padded to whole clusters so a
// directory ends with zero entries; the FAT12/16 root directory goes to
// its fixed region.
func (v *Volume) writeDirs(w io.WriterAt) error {
	for _, d := range v.tree.dirs {
		b := v.dirBytes(d)
		off := v.geo.rootOffset()
		if d != v.tree.root || v.geo.bits == 32 {
			off = v.geo.clusterOffset(d.cluster)
			cb := v.geo.clusterBytes()
			b = append(b, make([]byte, int64(max(1, clustersFor(int64(len(b)), cb)))*cb-int64(len(b)))...)
		}
		if _, err := w.WriteAt(b, off); err != nil {
			return err
		}
	}
	return nil
}

// writeFiles copies every non-empty file to its clusters.
func (v *Volume) writeFiles(w io.WriterAt) error {
	buf := make([]byte, 1<<20)
	for _, n := range v.tree.files {
		if n.size == 0 {
			continue
		}
		if err := copyFile(w, n, v.geo.clusterOffset(n.cluster), buf); err != nil {
			return err
		}
	}
	return nil
}

// copyFile copies n's content to w at off through buf.
func copyFile(w io.WriterAt, n *node, off int64, buf []byte) error {
	f, err := os.Open(n.src)
	if err != nil {
		return err
	}
	defer f.Close()
	for done := int64(0); done < n.size; {
		k, err := io.ReadFull(f, buf[:min(int64(len(buf)), n.size-done)])
		if err != nil {
			return changed(n, err)
		}
		if _, err := w.WriteAt(buf[:k], off+done); err != nil {
			return err
		}
		done += int64(k)
	}
	if k, _ := f.Read(buf[:1]); k != 0 {
		return changed(n, nil)
	}
	return nil
}

// changed reports a file that grew or shrank while being copied.
func changed(n *node, err error) error {
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s changed size while the image was written (expected %d bytes)", n.rel, n.size)
	}
	return err
}
