package ocilayout

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
	v1 "github.com/opencontainers/image-spec/specs-go/v1"
)

// fileInfo is what the tests compare about one unpacked file.
type fileInfo struct {
	mode     fs.FileMode
	uid, gid uint32
	sum      [32]byte
	link     string
	nlink    uint64
	mtime    int64
}

// tree records every file below root but root itself.
func tree(t *testing.T, root string) map[string]fileInfo {
	t.Helper()
	out := make(map[string]fileInfo)
	testutil.Must(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		info := fileInfo{mode: fi.Mode(), uid: st.Uid, gid: st.Gid, nlink: st.Nlink, mtime: st.Mtim.Sec}
		switch {
		case fi.Mode().IsRegular():
			data, err := os.ReadFile(p)
			testutil.Must(t, err)
			info.sum = sha256.Sum256(data)
		case fi.Mode()&fs.ModeSymlink != 0:
			info.link, _ = os.Readlink(p)
		case fi.IsDir():
			info.nlink = 0
		}
		rel, _ := filepath.Rel(root, p)
		out[rel] = info
		return nil
	}))
	return out
}

// compareUnpacked checks that an unpacked layer equals the root file
// system it was made from, but for mtimes, which must all be epoch.
func compareUnpacked(t *testing.T, src, unpacked string, epoch int64) {
	t.Helper()
	want, got := tree(t, src), tree(t, unpacked)
	if len(want) != len(got) {
		t.Errorf("unpacked %d files, source has %d", len(got), len(want))
	}
	for rel, w := range want {
		g := got[rel]
		if g.mtime != epoch && g.mode&fs.ModeSymlink == 0 {
			t.Errorf("%s: mtime %d, want %d", rel, g.mtime, epoch)
		}
		w.mtime, g.mtime = 0, 0
		if g != w {
			t.Errorf("%s:\n got  %+v\n want %+v", rel, g, w)
		}
	}
}

func TestSkopeoInspectAndCopy(t *testing.T) {
	testutil.NeedRoot(t)
	testutil.NeedTool(t, "skopeo")
	dir := filepath.Join(t.TempDir(), "layout")
	img := Image{Platform{OS: "linux", Architecture: "amd64"}, rootfs(t, true)}
	testutil.Must(t, Write(dir, []Image{img}, Options{Epoch: 7, Ref: "cairn-test:1", SBOM: []byte(testSBOM)}))
	idx := readIndex(t, dir)
	var got struct{ Digest, Architecture, Os string }
	testutil.Must(t, json.Unmarshal(run(t, "skopeo", "inspect", "oci:"+dir+":cairn-test:1"), &got))
	if got.Digest != string(idx.Manifests[0].Digest) || got.Architecture != "amd64" || got.Os != "linux" {
		t.Errorf("skopeo inspect: %+v, index %+v", got, idx.Manifests[0])
	}
	// One entry in index.json, the SBOM inside it: no tag needed.
	var untagged struct{ Digest string }
	testutil.Must(t, json.Unmarshal(run(t, "skopeo", "inspect", "oci:"+dir), &untagged))
	if untagged.Digest != got.Digest {
		t.Errorf("skopeo inspect oci:DIR (no tag): %+v, want %s", untagged, got.Digest)
	}
	var config v1.Image
	testutil.Must(t, json.Unmarshal(run(t, "skopeo", "inspect", "--config", "oci:"+dir+":cairn-test:1"), &config))
	if fmt.Sprint(config.Config.Cmd) != "[/bin/bash]" || config.Created.Unix() != 7 {
		t.Errorf("skopeo inspect --config: %+v", config)
	}
	// Copying reads and verifies every blob against its digest.
	run(t, "skopeo", "copy", "-q", "oci:"+dir+":cairn-test:1", "dir:"+filepath.Join(t.TempDir(), "copy"))
}

func TestUmociUnpack(t *testing.T) {
	testutil.NeedRoot(t)
	testutil.NeedTool(t, "umoci")
	dir := filepath.Join(t.TempDir(), "layout")
	src := rootfs(t, true)
	// umoci reads an image manifest, not a nested index: an image with
	// nothing attached is one.
	opts := Options{Epoch: 99, Ref: "x"}
	testutil.Must(t, Write(dir, []Image{{Platform{OS: "linux", Architecture: "amd64"}, src}}, opts))
	out := filepath.Join(t.TempDir(), "rootfs")
	run(t, "umoci", "raw", "unpack", "--image", dir+":x", out)
	compareUnpacked(t, src, out, 99)
}

func TestLayersWithGNUTar(t *testing.T) {
	testutil.NeedRoot(t)
	testutil.NeedTool(t, "tar")
	srcs := []string{rootfs(t, true), rootfs(t, false)}
	dir := writeTwo(t, srcs[0], srcs[1])
	_, nested := platformIndex(t, dir)
	for i, d := range nested.Manifests[:2] {
		var m v1.Manifest
		decode(t, blob(t, dir, d), &m)
		layer := blob(t, dir, m.Layers[0])
		if layer[3] != 0 || string(layer[4:8]) != "\x00\x00\x00\x00" {
			t.Errorf("gzip header has flags %#x, mtime % x", layer[3], layer[4:8])
		}
		var c v1.Image
		decode(t, blob(t, dir, m.Config), &c)
		zr, err := gzip.NewReader(bytes.NewReader(layer))
		testutil.Must(t, err)
		diff := sha256.New()
		_, err = io.Copy(diff, zr)
		testutil.Must(t, err)
		if got := fmt.Sprintf("sha256:%x", diff.Sum(nil)); got != string(c.RootFS.DiffIDs[0]) {
			t.Errorf("diff ID %s, uncompressed layer has %s", c.RootFS.DiffIDs[0], got)
		}
		out := t.TempDir()
		path := filepath.Join(dir, "blobs", "sha256", m.Layers[0].Digest.Encoded())
		run(t, "tar", "-xzf", path, "-C", out, "--numeric-owner", "--same-owner", "--same-permissions")
		compareUnpacked(t, srcs[i], out, 1700000000)
	}
}
