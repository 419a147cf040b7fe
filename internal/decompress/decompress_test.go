package decompress

import (
	"bytes"
	"compress/gzip"
	"os/exec"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

func TestAll(t *testing.T) {
	plain := []byte(strings.Repeat("cairn ", 1000))
	var gz, x, zs bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(plain)
	gw.Close()
	xw, _ := xz.NewWriter(&x)
	xw.Write(plain)
	xw.Close()
	zw, _ := zstd.NewWriter(&zs)
	zw.Write(plain)
	zw.Close()
	cases := map[string][]byte{"plain": plain, "gzip": gz.Bytes(), "xz": x.Bytes(), "zstd": zs.Bytes()}
	if bz, err := exec.Command("sh", "-c", "printf %s \"$0\" | bzip2", string(plain)).Output(); err == nil {
		cases["bzip2"] = bz
	}
	for name, data := range cases {
		got, err := All(data, 1<<20)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("%s: %d bytes, %v", name, len(got), err)
		}
		if _, err := All(data, 100); err == nil || !strings.Contains(err.Error(), "uncompressed") {
			t.Errorf("%s: a bomb past the bound: %v", name, err)
		}
	}
}
