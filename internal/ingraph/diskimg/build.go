package diskimg

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cairn-build/cairn/internal/ingraph/sparse"
)

// Result summarizes a built image.
type Result struct {
	Name          string            `json:"name"`
	Table         string            `json:"table"`
	Size          int64             `json:"size"`   // raw image bytes
	SHA256        string            `json:"sha256"` // of the raw image
	DiskGUID      string            `json:"disk_guid,omitempty"`
	DiskSignature string            `json:"disk_signature,omitempty"` // MBR, "0x1234abcd"
	Partitions    []PartitionResult `json:"partitions"`
	Files         []string          `json:"files"` // written, relative to the output directory
}

// PartitionResult is one partition of a [Result].
type PartitionResult struct {
	Number   int    `json:"number"` // from 1, as the kernel counts
	Name     string `json:"name"`
	Type     string `json:"type"` // GUID or "0xNN"
	Offset   int64  `json:"offset"`
	Size     int64  `json:"size"`
	GUID     string `json:"guid,omitempty"` // GPT unique partition GUID
	PartUUID string `json:"partuuid"`       // what root=PARTUUID= matches
}

// Build writes the image spec describes into outDir, creating it if
// missing: NAME.img, NAME.img.zst or NAME.img.xz, and NAME.bmap when
// asked. Each file is written under a temporary name and renamed into
// place.
func Build(spec *Spec, outDir string) (*Result, error) {
	if err := spec.CheckSpec(); err != nil {
		return nil, err
	}
	in, err := openInputs(spec)
	if err != nil {
		return nil, err
	}
	defer in.close()
	l, err := plan(spec, in.imageSizes, in.rawSizes)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	b := &builder{l: l, in: in, dir: outDir}
	defer b.cleanup()
	return b.run()
}

// builder carries one Build.
type builder struct {
	l     *layout
	in    *inputs
	dir   string
	temps []string
}

// run writes the raw image, then the outputs.
func (b *builder) run() (*Result, error) {
	raw, err := b.create(b.l.spec.Name + ".img")
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	if err := raw.Truncate(b.l.size); err != nil {
		return nil, err
	}
	w := sparse.NewWriter(raw)
	imageSums, rawSums, err := b.in.fill(b.l, w)
	if err != nil {
		return nil, err
	}
	id := deriveIDs(b.l.seed(imageSums, rawSums), len(b.l.parts))
	if err := b.l.writeTables(w, id); err != nil {
		return nil, err
	}
	sc, files, err := b.outputs(raw)
	if err != nil {
		return nil, err
	}
	return b.l.result(id, sc, files), nil
}

// writeTables writes the partition table structures.
func (l *layout) writeTables(w io.WriterAt, id ids) error {
	if l.spec.Table == MBR {
		_, err := w.WriteAt(l.mbrTable(id.signature), mbrTableStart)
		return err
	}
	primary, backup := l.gptTables(id)
	if _, err := w.WriteAt(l.protectiveMBR(), mbrTableStart); err != nil {
		return err
	}
	if _, err := w.WriteAt(primary, sector); err != nil {
		return err
	}
	_, err := w.WriteAt(backup, l.size-int64(len(backup)))
	return err
}

// outputs scans the raw image into its final form and the bmap.
func (b *builder) outputs(raw *os.File) (*scanResult, []string, error) {
	name := b.l.spec.Name
	comp := compressionOf(b.l.spec)
	var sc *scanResult
	var err error
	if comp == None {
		sc, err = b.keepRaw(raw)
	} else {
		sc, err = b.compress(raw, comp)
	}
	if err != nil {
		return nil, nil, err
	}
	files := []string{name + suffix(comp)}
	if b.l.spec.Bmap {
		if err := b.writeFile(name+".bmap", encodeBmap(b.l.size, sc)); err != nil {
			return nil, nil, err
		}
		files = append(files, name+".bmap")
	}
	return sc, files, nil
}

// keepRaw scans the raw image and renames it into place.
func (b *builder) keepRaw(raw *os.File) (*scanResult, error) {
	sc, err := scanImage(raw, b.l.size, nil, b.l.spec.Bmap)
	if err != nil {
		return nil, err
	}
	if err := raw.Sync(); err != nil {
		return nil, err
	}
	return sc, b.commit(b.l.spec.Name + ".img")
}

// compress writes the compressed image from the raw one, which is then
// dropped.
func (b *builder) compress(raw *os.File, comp string) (*scanResult, error) {
	name := b.l.spec.Name + suffix(comp)
	f, err := b.create(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, chunkSize)
	cw, err := newCompressor(comp, bw)
	if err != nil {
		return nil, err
	}
	sc, err := scanImage(raw, b.l.size, cw, b.l.spec.Bmap)
	if err == nil {
		err = cw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", name, err)
	}
	return sc, b.commit(name)
}

// writeFile writes a small output file atomically.
func (b *builder) writeFile(name string, data []byte) error {
	f, err := b.create(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return b.commit(name)
}

// create creates the temporary file for output name.
func (b *builder) create(name string) (*os.File, error) {
	tmp := filepath.Join(b.dir, name+".tmp")
	b.temps = append(b.temps, tmp)
	return os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
}

// commit renames output name's temporary file into place.
func (b *builder) commit(name string) error {
	path := filepath.Join(b.dir, name)
	return os.Rename(path+".tmp", path)
}

// cleanup removes temporary files left by a failure or, for a compressed
// image, the raw one.
func (b *builder) cleanup() {
	for _, tmp := range b.temps {
		os.Remove(tmp)
	}
}

// result builds the summary.
func (l *layout) result(id ids, sc *scanResult, files []string) *Result {
	r := &Result{Name: l.spec.Name, Table: l.spec.Table, Size: l.size, SHA256: hex.EncodeToString(sc.sum[:]),
		Partitions: []PartitionResult{}, Files: files}
	if l.spec.Table == GPT {
		r.DiskGUID = id.disk.String()
	} else {
		r.DiskSignature = fmt.Sprintf("0x%08x", id.signature)
	}
	for i, p := range l.parts {
		pr := PartitionResult{Number: i + 1, Name: p.Name, Type: p.typ.text, Offset: p.Offset, Size: p.Size}
		if l.spec.Table == GPT {
			pr.GUID = id.parts[i].String()
			pr.PartUUID = strings.ToLower(pr.GUID)
		} else {
			pr.PartUUID = fmt.Sprintf("%08x-%02x", id.signature, i+1)
		}
		r.Partitions = append(r.Partitions, pr)
	}
	return r
}
