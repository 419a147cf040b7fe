package kmod

import (
	"bytes"
	"compress/gzip"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// testVersion is the kernel version of the synthetic trees.
const testVersion = "6.99.0-test"

// elfModule returns a minimal ELF64 relocatable file whose only content is
// a .modinfo section holding entries, as a kernel module's would.
func elfModule(entries ...string) []byte {
	modinfo := []byte(strings.Join(entries, "\x00") + "\x00")
	shstrtab := []byte("\x00.modinfo\x00.shstrtab\x00")
	const hdr = 64
	shoff := (hdr + len(modinfo) + len(shstrtab) + 7) &^ 7
	var b bytes.Buffer
	h := elf.Header64{
		Type: uint16(elf.ET_REL), Machine: uint16(elf.EM_X86_64), Version: uint32(elf.EV_CURRENT),
		Shoff: uint64(shoff), Ehsize: hdr, Shentsize: 64, Shnum: 3, Shstrndx: 2,
	}
	copy(h.Ident[:], elf.ELFMAG)
	h.Ident[elf.EI_CLASS], h.Ident[elf.EI_DATA], h.Ident[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)
	binary.Write(&b, binary.LittleEndian, h)
	b.Write(modinfo)
	b.Write(shstrtab)
	b.Write(make([]byte, shoff-b.Len()))
	sections := []elf.Section64{
		{},
		{Name: 1, Type: uint32(elf.SHT_PROGBITS), Flags: uint64(elf.SHF_ALLOC), Off: hdr, Size: uint64(len(modinfo)), Addralign: 1},
		{Name: 10, Type: uint32(elf.SHT_STRTAB), Off: uint64(hdr + len(modinfo)), Size: uint64(len(shstrtab)), Addralign: 1},
	}
	binary.Write(&b, binary.LittleEndian, sections)
	return b.Bytes()
}

// compress compresses data as the kernel's install step would for a
// module ending in suffix.
func compress(t *testing.T, data []byte, suffix string) []byte {
	t.Helper()
	var b bytes.Buffer
	switch suffix {
	case ".ko":
		return data
	case ".ko.xz":
		w, err := xz.WriterConfig{CheckSum: xz.CRC32}.NewWriter(&b)
		testutil.Must(t, err)
		w.Write(data)
		testutil.Must(t, w.Close())
	case ".ko.zst":
		w, err := zstd.NewWriter(&b)
		testutil.Must(t, err)
		w.Write(data)
		testutil.Must(t, w.Close())
	case ".ko.gz":
		w := gzip.NewWriter(&b)
		w.Write(data)
		testutil.Must(t, w.Close())
	}
	return b.Bytes()
}

// writeFile writes data at rel below dir, making parents.
func writeFile(t *testing.T, dir, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, rel)
	testutil.Must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	testutil.Must(t, os.WriteFile(p, data, 0o644))
}

// synthModule is one module of a synthetic tree.
type synthModule struct {
	path    string // relative to the modules directory, without suffix
	suffix  string
	modinfo []string
}

// synthModules make a small graph: qux needs foo needs bar; foo has a
// soft dependency on the alias crypto-baz; qux a "post:" one on the
// built-in quux; the modules use every compression.
var synthModules = []synthModule{
	{"kernel/fs/foo/foo", ".ko", []string{"license=GPL", "depends=bar", "softdep=pre: crypto-baz", "firmware=foo/fw.bin", "firmware=foo/missing.bin", "firmware=foo/link.bin", "firmware=../../etc/passwd", "alias=fs-foo"}},
	{"kernel/lib/bar", ".ko.xz", []string{"depends=", "license=GPL"}},
	{"kernel/crypto/baz-generic", ".ko.zst", []string{"alias=crypto-baz", "alias=baz", "depends="}},
	{"kernel/drivers/qux", ".ko.gz", []string{"depends=foo", "softdep=post: quux nosuchmodule", "alias=pci:v00001234d*sv*"}},
	{"kernel/drivers/lonely", ".ko", []string{"depends=", "weakdep=bar"}},
}

// synthTree builds a merged-/usr root with one kernel's modules: lib is a
// symlink to usr/lib, firmware has an absolute symlink, and quux is built
// in.
func synthTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	testutil.Must(t, os.MkdirAll(filepath.Join(root, "usr/lib"), 0o755))
	testutil.Must(t, os.Symlink("usr/lib", filepath.Join(root, "lib")))
	mods := "usr/lib/modules/" + testVersion
	var order []string
	for _, m := range synthModules {
		writeFile(t, root, mods+"/"+m.path+m.suffix, compress(t, elfModule(m.modinfo...), m.suffix))
		order = append(order, m.path+".ko")
	}
	writeFile(t, root, mods+"/modules.order", []byte(strings.Join(order, "\n")+"\n"))
	writeFile(t, root, mods+"/modules.builtin", []byte("kernel/drivers/quux.ko\n"))
	writeFile(t, root, mods+"/modules.builtin.modinfo", []byte("quux.alias=quuxalias\x00quux.firmware=quux.bin\x00"))
	writeFile(t, root, "usr/lib/firmware/foo/fw.bin.zst", []byte("zstd firmware"))
	writeFile(t, root, "usr/lib/firmware/foo/real.bin", []byte("real firmware"))
	writeFile(t, root, "usr/lib/firmware/quux.bin", []byte("quux firmware"))
	testutil.Must(t, os.Symlink("/lib/firmware/foo/real.bin", filepath.Join(root, "usr/lib/firmware/foo/link.bin")))
	return root
}
