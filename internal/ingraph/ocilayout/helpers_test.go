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

	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// must fails the test on error.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// needRoot skips tests that create files of other owners.
func needRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

// needTool skips when a command is missing.
func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not found", name)
	}
}

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
		must(t, os.MkdirAll(p(d), 0o755))
	}
	must(t, os.Symlink("usr/bin", p("bin")))
	must(t, os.WriteFile(p("usr/bin/sh"), []byte("#!sh\n"), 0o755))
	if withBash {
		must(t, os.WriteFile(p("usr/bin/bash"), []byte("#!bash\n"), 0o755))
	}
	must(t, os.WriteFile(p("usr/bin/sudo"), []byte("sudo"), 0o755))
	must(t, os.Chmod(p("usr/bin/sudo"), 0o4755))
	must(t, os.Link(p("usr/bin/sudo"), p("usr/bin/sudoedit")))
	must(t, os.WriteFile(p("etc/shadow"), []byte("root:*:1::::::\n"), 0o640))
	must(t, os.Chown(p("etc/shadow"), 0, 42))
	must(t, os.WriteFile(p("home/user/.profile"), []byte("# profile\n"), 0o600))
	must(t, os.Chown(p("home/user/.profile"), 1000, 1000))
	must(t, os.Chown(p("home/user"), 1000, 1000))
	must(t, os.Chmod(p("home/user"), 0o750))
	must(t, os.Chmod(p("tmp"), 0o1777))
	must(t, os.Symlink("/usr/bin/sh", p("etc/shell")))
	return root
}

// blob reads a blob of the layout at dir and checks its digest and size.
func blob(t testing.TB, dir string, d v1.Descriptor) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "blobs", d.Digest.Algorithm().String(), d.Digest.Encoded()))
	must(t, err)
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
	must(t, json.Unmarshal(data, &generic))
	again, err := json.Marshal(generic)
	must(t, err)
	if !bytes.Equal(again, data) {
		t.Errorf("JSON is not canonical:\n%s\nwant\n%s", data, again)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	must(t, dec.Decode(v))
}

// readIndex reads and checks index.json and oci-layout.
func readIndex(t testing.TB, dir string) v1.Index {
	t.Helper()
	layout, err := os.ReadFile(filepath.Join(dir, "oci-layout"))
	must(t, err)
	if string(layout) != layoutVersion {
		t.Errorf("oci-layout %q", layout)
	}
	data, err := os.ReadFile(filepath.Join(dir, "index.json"))
	must(t, err)
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
