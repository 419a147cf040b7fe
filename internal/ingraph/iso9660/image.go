package iso9660

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/sparse"
)

// writeAll writes every volume under a temporary name, then the
// descriptors and manifest (which depend on all content), then hashes and
// renames the images and writes the checksum list.
func (s *set) writeAll(outDir, base string) (imgs []Image, err error) {
	names := imageNames(base, len(s.vols))
	var tmps []string
	defer func() {
		if err != nil {
			for _, t := range tmps {
				os.Remove(t)
			}
		}
	}()
	for i, v := range s.vols {
		tmp := filepath.Join(outDir, names[i]+".tmp")
		tmps = append(tmps, tmp)
		if err := s.writeBody(v, tmp); err != nil {
			return nil, err
		}
	}
	s.setID = s.opts.VolumeSetID
	if s.setID == "" {
		s.setID = s.deriveSetID()
	}
	var text []byte
	if len(s.vols) > 1 {
		text = s.finalManifest().bytes()
	}
	for i, v := range s.vols {
		if err := s.writeHead(v, tmps[i], text); err != nil {
			return nil, err
		}
	}
	return s.publish(outDir, base, names, tmps)
}

// imageNames are base.iso for one volume, base-1.iso ... otherwise.
func imageNames(base string, n int) []string {
	if n == 1 {
		return []string{base + ".iso"}
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d.iso", base, i+1)
	}
	return out
}

// writeBody writes everything after the volume descriptors: path tables,
// boot catalog, directories, continuation areas and file data.
func (s *set) writeBody(v *volume, tmp string) error {
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("write image: %w", err)
	}
	err = s.fillBody(v, sparse.NewStream(f, 0))
	if err == nil {
		err = f.Truncate(v.total * sectorSize)
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	return nil
}

// fillBody streams the body through w.
func (s *set) fillBody(v *volume, w *sparse.Stream) error {
	if err := w.SkipTo(int64(v.lbaPT[0]) * sectorSize); err != nil {
		return err
	}
	if err := s.writeMeta(v, w); err != nil {
		return err
	}
	for _, x := range v.data {
		if err := s.writeExtent(v, w, x); err != nil {
			return err
		}
	}
	return w.Flush()
}

// writeMeta writes path tables, boot catalog, directories and
// continuation areas, each sector-aligned, in layout order.
func (s *set) writeMeta(v *volume, w *sparse.Stream) error {
	chunks, err := v.metadata()
	if err != nil {
		return err
	}
	for _, c := range chunks {
		if _, err := w.Write(c); err != nil {
			return err
		}
		if err := w.Skip(sectors(int64(len(c)))*sectorSize - int64(len(c))); err != nil {
			return err
		}
	}
	return nil
}

// metadata serialises the path tables, boot catalog (patching the BIOS
// image first), directories and continuation areas.
func (v *volume) metadata() ([][]byte, error) {
	seq := uint16(v.seq)
	chunks := [][]byte{
		pathTable(v.isoDirs, isoPTID, isoExt, false), pathTable(v.isoDirs, isoPTID, isoExt, true),
		pathTable(v.jolDirs, jolPTID, jolExt, false), pathTable(v.jolDirs, jolPTID, jolExt, true),
	}
	if v.boot != nil {
		if v.boot.bios != nil {
			if err := v.boot.patchBIOS(); err != nil {
				return nil, err
			}
		}
		chunks = append(chunks, v.boot.catalog())
	}
	for _, d := range v.isoDirs {
		chunks = append(chunks, encodeDir(d.isoDir, seq, v.st, false))
	}
	for _, d := range v.jolDirs {
		chunks = append(chunks, encodeDir(d.jolDir, seq, v.st, true))
	}
	return append(chunks, v.areaSectors()), nil
}

// areaSectors serialises the continuation areas.
func (v *volume) areaSectors() []byte {
	if len(v.areas) == 0 {
		return nil
	}
	first := v.areas[0].lba
	b := make([]byte, int64(v.areas[len(v.areas)-1].lba-first+1)*sectorSize)
	for _, a := range v.areas {
		copy(b[int64(a.lba-first)*sectorSize+int64(a.off):], a.bytes())
	}
	return b
}

// writeExtent copies one file's data, hashing it, then pads its sector.
func (s *set) writeExtent(v *volume, w *sparse.Stream, x *extent) error {
	if w.Pos() != int64(x.lba)*sectorSize && x.size > 0 {
		return fmt.Errorf("internal error: extent at byte %d, planned for sector %d", w.Pos(), x.lba)
	}
	if v.manifest != nil && x == v.manifest.ext {
		return w.Skip(x.size)
	}
	h := sha256.New()
	var sink io.Writer = h
	if r := s.runningHash(x); r != nil {
		sink = io.MultiWriter(h, r)
	}
	if err := s.copySource(w, x, sink); err != nil {
		return err
	}
	x.sum = h.Sum(nil)
	s.recordSum(x)
	return w.Skip(sectors(x.size)*sectorSize - x.size)
}

// copySource writes an extent's bytes from memory or its host file.
func (s *set) copySource(w *sparse.Stream, x *extent, sink io.Writer) error {
	if x.src.mem != nil {
		sink.Write(x.src.mem)
		_, err := w.Write(x.src.mem)
		return err
	}
	f, err := os.Open(x.src.host)
	if err != nil {
		return err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() < x.src.off+x.size {
		return fmt.Errorf("%s shrank to %d bytes while the image was written; do not change the source tree during the build", x.src.host, fi.Size())
	}
	return w.Copy(f, x.src.off, x.size, sink)
}

// runningHash is the whole-file hash a part of a split file feeds.
func (s *set) runningHash(x *extent) io.Writer {
	n := x.of.node
	if x.of.part == 0 || n == nil {
		return nil
	}
	if x.of.part == 1 {
		s.running[n] = sha256.New()
	}
	return s.running[n]
}

// recordSum keeps the content hash of whole files for the set ID and
// manifest.
func (s *set) recordSum(x *extent) {
	n := x.of.node
	switch {
	case n == nil:
	case x.of.part == 0 && n.leader.sum == nil:
		n.leader.sum = x.sum
	case x.of.part != 0 && x.of.part == x.of.parts:
		n.leader.sum = s.running[n].Sum(nil)
	}
}

// efiSum is the hash of a hidden EFI image, for the set ID.
func (s *set) efiSum() []byte {
	for _, x := range s.vols[0].hidden {
		return x.sum
	}
	return nil
}

// writeHead writes the volume descriptors and the manifest.
func (s *set) writeHead(v *volume, tmp string, manifest []byte) error {
	f, err := os.OpenFile(tmp, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("write image: %w", err)
	}
	at := func(lba uint32, b []byte) {
		if err == nil {
			_, err = f.WriteAt(b, int64(lba)*sectorSize)
		}
	}
	at(16, v.descriptor(s.setID, false))
	if v.boot != nil {
		at(v.lbaBR, bootRecord(v.lbaCat))
	}
	at(v.lbaSVD, v.descriptor(s.setID, true))
	at(v.lbaTerm, terminator())
	if v.manifest != nil {
		if int64(len(manifest)) != v.manifest.ext.size {
			return fmt.Errorf("internal error: manifest has %d bytes, planned %d; please report this", len(manifest), v.manifest.ext.size)
		}
		at(v.manifest.ext.lba, manifest)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	return nil
}

// publish hashes the images, renames them into place and writes
// base.sha256.
func (s *set) publish(outDir, base string, names, tmps []string) ([]Image, error) {
	var imgs []Image
	var list strings.Builder
	for i, tmp := range tmps {
		h := sha256.New()
		if err := sparse.HashFile(tmp, h); err != nil {
			return nil, fmt.Errorf("hash %s: %w", tmp, err)
		}
		sum := hex.EncodeToString(h.Sum(nil))
		fmt.Fprintf(&list, "%s  %s\n", sum, names[i])
		imgs = append(imgs, Image{Path: filepath.Join(outDir, names[i]), Sequence: i + 1, VolumeID: s.vols[i].id, SHA256: sum})
	}
	for i, tmp := range tmps {
		if err := os.Rename(tmp, imgs[i].Path); err != nil {
			return nil, fmt.Errorf("write %s: %w", imgs[i].Path, err)
		}
	}
	return imgs, writeFileAtomic(filepath.Join(outDir, base+".sha256"), []byte(list.String()))
}

// writeFileAtomic writes data to path through a temporary file.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	err := os.WriteFile(tmp, data, 0o644)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write checksum list: %w", err)
	}
	return nil
}
