package ocilayout

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// run runs a command and returns its standard output.
func run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, stderr.String())
	}
	return out
}

// rootfs builds a small root file system with files of several owners,
// special modes, hard and symbolic links; withBash adds usr/bin/bash.
func rootfs(t testing.TB, withBash bool) string {
	t.Helper()
	root := t.TempDir()
	p := func(rel string) string { return filepath.Join(root, rel) }
	for _, d := range []string{"usr/bin", "etc", "home/user", "tmp"} {
		testutil.Must(t, os.MkdirAll(p(d), 0o755))
	}
	testutil.Must(t, os.Symlink("usr/bin", p("bin")))
	testutil.Must(t, os.WriteFile(p("usr/bin/sh"), []byte("#!sh\n"), 0o755))
	if withBash {
		testutil.Must(t, os.WriteFile(p("usr/bin/bash"), []byte("#!bash\n"), 0o755))
	}
	testutil.Must(t, os.WriteFile(p("usr/bin/sudo"), []byte("sudo"), 0o755))
	testutil.Must(t, os.Chmod(p("usr/bin/sudo"), 0o4755))
	testutil.Must(t, os.Link(p("usr/bin/sudo"), p("usr/bin/sudoedit")))
	testutil.Must(t, os.WriteFile(p("etc/shadow"), []byte("root:*:1::::::\n"), 0o640))
	testutil.Must(t, os.Chown(p("etc/shadow"), 0, 42))
	testutil.Must(t, os.WriteFile(p("home/user/.profile"), []byte("# profile\n"), 0o600))
	testutil.Must(t, os.Chown(p("home/user/.profile"), 1000, 1000))
	testutil.Must(t, os.Chown(p("home/user"), 1000, 1000))
	testutil.Must(t, os.Chmod(p("home/user"), 0o750))
	testutil.Must(t, os.Chmod(p("tmp"), 0o1777))
	testutil.Must(t, os.Symlink("/usr/bin/sh", p("etc/shell")))
	return root
}

// blob reads a blob of the layout at dir and checks its digest and size.
func blob(t testing.TB, dir string, d v1.Descriptor) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "blobs", d.Digest.Algorithm().String(), d.Digest.Encoded()))
	testutil.Must(t, err)
	sum := sha256.Sum256(data)
	if d.Digest.Algorithm() != "sha256" || hex.EncodeToString(sum[:]) != d.Digest.Encoded() || int64(len(data)) != d.Size {
		t.Fatalf("blob %s: size %d, sha256 %x, descriptor size %d", d.Digest, len(data), sum, d.Size)
	}
	return data
}

// decode unmarshals JSON into image-spec's types, rejecting unknown
// fields, after checking that it is compact with
// sorted keys: encoding it again from a generic value gives equal bytes.
func decode(t testing.TB, data []byte, v any) {
	t.Helper()
	var generic any
	testutil.Must(t, json.Unmarshal(data, &generic))
	again, err := json.Marshal(generic)
	testutil.Must(t, err)
	if !bytes.Equal(again, data) {
		t.Errorf("JSON is not canonical:\n%s\nwant\n%s", data, again)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	testutil.Must(t, dec.Decode(v))
}

// readIndex reads and checks index.json and oci-layout.
func readIndex(t testing.TB, dir string) v1.Index {
	t.Helper()
	layout, err := os.ReadFile(filepath.Join(dir, "oci-layout"))
	testutil.Must(t, err)
	if string(layout) != layoutVersion {
		t.Errorf("oci-layout %q", layout)
	}
	data, err := os.ReadFile(filepath.Join(dir, "index.json"))
	testutil.Must(t, err)
	var idx v1.Index
	decode(t, data, &idx)
	return idx
}

// platformIndex reads the nested index that index.json of a
// multi-platform layout holds as its one entry.
func platformIndex(t testing.TB, dir string) (v1.Descriptor, v1.Index) {
	t.Helper()
	idx := readIndex(t, dir)
	if len(idx.Manifests) != 1 || idx.Manifests[0].MediaType != v1.MediaTypeImageIndex {
		t.Fatalf("index.json does not hold exactly one nested index: %+v", idx.Manifests)
	}
	var nested v1.Index
	decode(t, blob(t, dir, idx.Manifests[0]), &nested)
	return idx.Manifests[0], nested
}
