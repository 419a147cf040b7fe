package kmod

import (
	"bytes"
	"compress/gzip"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/therootcompany/xz"
)

// modinfo is what a module's ".modinfo" section (or its lines in
// modules.builtin.modinfo) says about dependencies and firmware.
type modinfo struct {
	depends  []string // "depends=a,b": hard dependencies, by name
	softdeps []string // "softdep=pre: a post: b", one entry per line
	weakdeps []string // "weakdep=a" (Linux 6.11 and later)
	aliases  []string // "alias=pattern"
	firmware []string // "firmware=name", relative to the firmware directory
}

// add records one "key=value" entry.
func (m *modinfo) add(key, value string) {
	switch key {
	case "depends":
		for d := range strings.SplitSeq(value, ",") {
			if d != "" {
				m.depends = append(m.depends, normalize(d))
			}
		}
	case "softdep":
		m.softdeps = append(m.softdeps, value)
	case "weakdep":
		m.weakdeps = append(m.weakdeps, strings.Fields(value)...)
	case "alias":
		m.aliases = append(m.aliases, value)
	case "firmware":
		m.firmware = append(m.firmware, value)
	}
}

// parseModinfo reads the NUL-separated "key=value" strings of a .modinfo
// section.
func parseModinfo(data []byte) *modinfo {
	m := &modinfo{}
	for entry := range bytes.SplitSeq(data, []byte{0}) {
		if key, value, ok := strings.Cut(string(entry), "="); ok {
			m.add(key, value)
		}
	}
	return m
}

// readModinfo reads the .modinfo section of the module file at host,
// decompressing it first when its name says it is compressed.
func readModinfo(host string) (*modinfo, error) {
	f, err := os.Open(host)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.ReaderAt = f
	if s, _ := moduleSuffix(host); s != ".ko" {
		data, err := decompress(f, s)
		if err != nil {
			return nil, fmt.Errorf("decompress %s: %w", host, err)
		}
		r = bytes.NewReader(data)
	}
	data, err := modinfoSection(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", host, err)
	}
	return parseModinfo(data), nil
}

// modinfoSection returns the contents of an ELF file's .modinfo section.
func modinfoSection(r io.ReaderAt) ([]byte, error) {
	ef, err := elf.NewFile(r)
	if err != nil {
		return nil, fmt.Errorf("not a kernel module: %w", err)
	}
	s := ef.Section(".modinfo")
	if s == nil {
		return nil, errNoModinfo
	}
	return s.Data()
}

// decompress reads a whole compressed module into memory: debug/elf needs
// random access.
func decompress(r io.Reader, suffix string) ([]byte, error) {
	var zr io.Reader
	var err error
	switch suffix {
	case ".ko.xz":
		zr, err = xz.NewReader(r, 0)
	case ".ko.zst":
		var d *zstd.Decoder
		if d, err = zstd.NewReader(r, zstd.WithDecoderConcurrency(1)); err == nil {
			defer d.Close()
			zr = d
		}
	case ".ko.gz":
		zr, err = gzip.NewReader(r)
	default:
		return nil, fmt.Errorf("unknown module compression %q", suffix)
	}
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
