package ocilayout

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/archive"
	"github.com/cairn-build/cairn/internal/testutil"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// filesImages are two platforms' images of one in-memory binary each.
func filesImages() []FilesImage {
	return []FilesImage{
		{Platform{OS: "linux", Architecture: "amd64"}, []archive.MemFile{{Path: "bin/tool", Perm: 0o755, Data: []byte("amd64 tool")}}},
		{Platform{OS: "linux", Architecture: "arm64"}, []archive.MemFile{{Path: "bin/tool", Perm: 0o755, Data: []byte("arm64 tool")}}},
	}
}

// toolConfig is a configuration with an entrypoint and a label.
var toolConfig = Config{Entrypoint: []string{"/bin/tool"}, Labels: map[string]string{"x": "y"}}

func TestWriteFilesConfig(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "layout")
	testutil.Must(t, WriteFiles(dir, filesImages(), Options{Epoch: 5, Ref: "latest", Config: &toolConfig}))
	_, nested := platformIndex(t, dir)
	var m v1.Manifest
	decode(t, blob(t, dir, nested.Manifests[1]), &m)
	data := blob(t, dir, m.Config)
	var c v1.Image
	decode(t, data, &c)
	if c.Architecture != "arm64" || !slices.Equal(c.Config.Entrypoint, toolConfig.Entrypoint) || c.Config.Labels["x"] != "y" ||
		bytes.Contains(data, []byte(`"Cmd"`)) || bytes.Contains(data, []byte(`"Env"`)) {
		t.Errorf("config %s: want the entrypoint and label only", data)
	}
}

func TestWriteFilesDefaultConfig(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "layout")
	testutil.Must(t, WriteFiles(dir, filesImages()[:1], Options{}))
	var m v1.Manifest
	decode(t, blob(t, dir, readIndex(t, dir).Manifests[0]), &m)
	var c v1.Image
	decode(t, blob(t, dir, m.Config), &c)
	if !slices.Equal(c.Config.Cmd, []string{"/bin/sh"}) || !slices.Equal(c.Config.Env, []string{defaultPath}) {
		t.Errorf("config %+v: want /bin/sh and PATH", c.Config)
	}
}

// TestWriteArchive writes the layout twice, once under a strict umask,
// and wants the same archive, which skopeo reads.
func TestWriteArchive(t *testing.T) {
	var archives [2]bytes.Buffer
	for i := range archives {
		if i == 1 {
			old := syscall.Umask(0o077)
			defer syscall.Umask(old)
		}
		dir := filepath.Join(t.TempDir(), "layout")
		testutil.Must(t, WriteFiles(dir, filesImages(), Options{Epoch: 5, Ref: "latest", Config: &toolConfig}))
		testutil.Must(t, WriteArchive(&archives[i], dir, 5))
	}
	if !bytes.Equal(archives[0].Bytes(), archives[1].Bytes()) {
		t.Fatal("the archive depends on the umask")
	}
	testutil.NeedTool(t, "skopeo")
	file := filepath.Join(t.TempDir(), "image.oci.tar")
	testutil.Must(t, os.WriteFile(file, archives[0].Bytes(), 0o644))
	var got struct{ Architecture string }
	testutil.Must(t, json.Unmarshal(run(t, "skopeo", "inspect", "--override-arch", "arm64", "oci-archive:"+file), &got))
	if got.Architecture != "arm64" {
		t.Errorf("skopeo inspect oci-archive: %+v", got)
	}
	if out := string(run(t, "tar", "-tf", file)); !strings.HasPrefix(out, "blobs/\nblobs/sha256/\n") || !strings.HasSuffix(out, "index.json\noci-layout\n") {
		t.Errorf("archive lists:\n%s", out)
	}
}
