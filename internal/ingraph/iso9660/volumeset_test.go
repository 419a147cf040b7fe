package iso9660

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// setTree makes about 6.5 MB of incompressible files: many small ones, a
// boot image and one file larger than a volume.
func setTree(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	r := rand.New(rand.NewPCG(1, 2))
	data := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	writeFile(t, filepath.Join(src, "isolinux/isolinux.bin"), data(30000), 0o644)
	for i := range 12 {
		writeFile(t, filepath.Join(src, fmt.Sprintf("pool/%c/pkg%02d.deb", 'a'+i%3, i)), data(300000+i*1000), 0o644)
	}
	writeFile(t, filepath.Join(src, "install/initrd.gz"), data(2500000), 0o644)
	writeFile(t, filepath.Join(src, "install/vmlinuz"), data(400000), 0o644)
	writeFile(t, filepath.Join(src, "zz/last"), []byte("last\n"), 0o644)
	testutil.Must(t, os.Symlink("install/vmlinuz", filepath.Join(src, "vmlinuz")))
	testutil.Must(t, os.MkdirAll(filepath.Join(src, "emptydir"), 0o755))
	return src
}

func TestVolumeSet(t *testing.T) {
	src := setTree(t)
	const max = 2 << 20
	opts := Options{VolumeID: "CAIRN DISC", BIOSImage: "isolinux/isolinux.bin", MaxVolumeSize: max, First: []string{"install/vmlinuz"}, Epoch: 7}
	out := t.TempDir()
	imgs, err := Write(src, out, "disc", opts)
	testutil.Must(t, err)
	if len(imgs) < 4 {
		t.Fatalf("%d volumes for 6.5 MB in 2 MiB volumes", len(imgs))
	}
	cmd := exec.Command("sha256sum", "-c", "disc.sha256")
	cmd.Dir = out
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("sha256sum -c disc.sha256: %v\n%s", err, b)
	}
	var manifests [][]byte
	var setID string
	for i, img := range imgs {
		if want := filepath.Join(out, fmt.Sprintf("disc-%d.iso", i+1)); img.Path != want {
			t.Errorf("volume %d at %s, want %s", i+1, img.Path, want)
		}
		fi, err := os.Stat(img.Path)
		testutil.Must(t, err)
		if fi.Size() > max {
			t.Errorf("volume %d has %d bytes, above the %d limit", i+1, fi.Size(), max)
		}
		f := isoinfoFields(t, img.Path)
		if setID == "" {
			setID = f["Volume set id"]
		}
		wantID := volumeID("CAIRN DISC", i+1)
		if f["Volume id"] != wantID || f["Volume set id"] != setID || !strings.HasPrefix(setID, "CAIRN_") ||
			f["Volume set size is"] != itoa(int64(len(imgs))) || f["Volume set sequence number is"] != itoa(int64(i+1)) {
			t.Errorf("volume %d: isoinfo %v", i+1, f)
		}
		checkRecordSeq(t, img.Path, uint16(i+1))
		m, _ := os.ReadFile(filepath.Join(extract(t, img.Path), manifestName))
		manifests = append(manifests, m)
	}
	for i, m := range manifests {
		if !bytes.Equal(m, manifests[0]) {
			t.Errorf("volume %d manifest differs from volume 1's", i+1)
		}
	}
	checkManifest(t, src, imgs, string(manifests[0]), setID)
	rows, _ := elTorito(t, imgs[0].Path)
	if len(rows) != 1 || !strings.Contains(rows[0], "BIOS") {
		t.Errorf("volume 1 El Torito %q, want the BIOS image", rows)
	}
	for _, img := range imgs[1:] {
		if rows, _ := elTorito(t, img.Path); len(rows) != 0 {
			t.Errorf("%s is bootable too", img.Path)
		}
	}
}

// checkRecordSeq checks the volume sequence number of every root
// directory record in both trees and in both descriptors.
func checkRecordSeq(t *testing.T, iso string, seq uint16) {
	t.Helper()
	for _, vd := range []int64{16, 17, 18} {
		d := readAt(t, iso, vd*sectorSize, sectorSize)
		if d[0] == 0 {
			continue // El Torito boot record
		}
		if got := uint16(d[124]) | uint16(d[125])<<8; got != seq {
			t.Errorf("descriptor at %d: sequence %d, want %d", vd, got, seq)
		}
		root := int64(d[158]) | int64(d[159])<<8 | int64(d[160])<<16
		dir := readAt(t, iso, root*sectorSize, sectorSize)
		for pos := 0; pos < len(dir) && dir[pos] != 0; pos += int(dir[pos]) {
			if got := uint16(dir[pos+28]) | uint16(dir[pos+29])<<8; got != seq {
				t.Errorf("record at %d in root %d: sequence %d, want %d", pos, root, got, seq)
			}
		}
		if d[0] == 2 {
			return
		}
	}
}

// checkManifest verifies the manifest the way an initramfs script would
// and that every source file is on exactly one volume, split files'
// parts concatenating to the original.
func checkManifest(t *testing.T, src string, imgs []Image, m, setID string) {
	t.Helper()
	dirs := map[string]string{}
	for _, img := range imgs {
		dirs[itoa(int64(img.Sequence))] = extract(t, img.Path)
	}
	lines := strings.Split(strings.TrimSuffix(m, "\n"), "\n")
	if lines[0] != "cairn-volumes 1" || lines[1] != "set "+setID || lines[2] != "volumes "+itoa(int64(len(imgs))) {
		t.Fatalf("manifest header %q", lines[:3])
	}
	seen := map[string]bool{}
	splits := map[string]string{}
	for _, line := range lines[3:] {
		switch f := strings.Fields(line); f[0] {
		case "volume":
			if line != "volume "+f[1]+" "+volumeID("CAIRN DISC", atoi(f[1])) {
				t.Errorf("bad volume line %q", line)
			}
		case "split":
			splits[strings.SplitN(line, " ", 4)[3]] = f[2]
		default:
			sum, rest, _ := strings.Cut(line, "  ")
			seq, path, _ := strings.Cut(rest, "/")
			data, err := os.ReadFile(filepath.Join(dirs[seq], path))
			if h := sha256.Sum256(data); err != nil || hex.EncodeToString(h[:]) != sum {
				t.Errorf("manifest line %q does not match volume %s: %v", line, seq, err)
			}
			if seen[path] {
				t.Errorf("%s listed twice", path)
			}
			seen[path] = true
		}
	}
	if len(splits) != 1 || splits["install/initrd.gz"] == "" {
		t.Errorf("split files %v, want install/initrd.gz only", splits)
	}
	checkAllPlaced(t, src, dirs, seen, splits)
}

// checkAllPlaced checks each source file is listed once, whole or as
// parts whose concatenation matches it.
func checkAllPlaced(t *testing.T, src string, dirs map[string]string, seen map[string]bool, splits map[string]string) {
	t.Helper()
	testutil.Must(t, filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		want, _ := os.ReadFile(p)
		if _, ok := splits[rel]; !ok {
			if !seen[rel] {
				t.Errorf("%s is on no volume", rel)
			}
			return nil
		}
		var got []byte
		for k := 1; seen[fmt.Sprintf("%s.part%03d", rel, k)]; k++ {
			got = append(got, findOn(t, dirs, fmt.Sprintf("%s.part%03d", rel, k))...)
		}
		if h := sha256.Sum256(want); !bytes.Equal(got, want) || splits[rel] != hex.EncodeToString(h[:]) {
			t.Errorf("%s: parts concatenate to %d bytes (want %d) or split hash differs", rel, len(got), len(want))
		}
		return nil
	}))
}

// findOn reads path from whichever volume has it.
func findOn(t *testing.T, dirs map[string]string, path string) []byte {
	for _, d := range dirs {
		if b, err := os.ReadFile(filepath.Join(d, path)); err == nil {
			return b
		}
	}
	t.Errorf("%s on no volume", path)
	return nil
}

// atoi parses a decimal number.
func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

func TestManifestWorksWithShell(t *testing.T) {
	src := setTree(t)
	out := t.TempDir()
	imgs, err := Write(src, out, "disc", Options{VolumeID: "SH", MaxVolumeSize: 2 << 20})
	testutil.Must(t, err)
	root := t.TempDir()
	for _, img := range imgs {
		tool(t, "xorriso", "-osirrox", "on", "-indev", img.Path, "-extract", "/", filepath.Join(root, "mnt-"+img.VolumeID))
	}
	// What an initramfs script does: find each volume by its ID, check its
	// files with sha256sum -c, reassemble split files.
	script := `set -e
M=mnt-SH/cairn-volumes.txt
while read -r kw seq id; do
	[ "$kw" = volume ] || continue
	grep "^[0-9a-f]\{64\}  $seq/" "$M" | sed "s|  $seq/|  mnt-$id/|" | sha256sum -c
done < "$M"
grep '^split ' "$M" | while read -r kw n sum path; do
	i=1; : > whole
	while [ $i -le $n ]; do p=$(printf '%s.part%03d' "$path" $i); cat mnt-*/"$p" >> whole; i=$((i+1)); done
	echo "$sum  whole" | sha256sum -c
done
`
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("shell verification: %v\n%s", err, b)
	}
}
