package main

import (
	"encoding/json"
	"errors"
	"fmt"
)

// mkfsJob is one "mkfs" invocation, parsed.
type mkfsJob struct {
	typ    string // fat, fat32, ext4 or squashfs
	label  string
	size   int64 // partition bytes; 0 for automatic
	salt   string
	offset int64
	epoch  int64
	src    string
	out    string
}

// mkfsResult is the line of JSON "mkfs" prints. Type is the file system
// written: fat12, fat16 or fat32 for the FAT types, else ext4 or
// squashfs. UUID is the FAT serial as "ABCD-1234", the ext4 UUID, or ""
// for squashfs, which has none.
type mkfsResult struct {
	Type  string `json:"type"`
	Size  int64  `json:"size"`
	UUID  string `json:"uuid"`
	Label string `json:"label"`
}

// mkfsTypes maps each --type to its writer.
var mkfsTypes = map[string]func(mkfsJob) (mkfsResult, error){
	"fat":      mkfsFAT,
	"fat32":    mkfsFAT,
	"ext4":     mkfsExt4,
	"squashfs": mkfsSquashfs,
}

// runMkfs implements "mkfs --type fat|fat32|ext4|squashfs [--label L]
// [--size BYTES] [--epoch N] [--id-salt S] [--offset BYTES] SRC_DIR
// OUT_FILE": it writes a file system image of SRC_DIR to OUT_FILE
// (atomically, sparse where possible) and prints one line of JSON
// describing it. See mkfs_fat.go, mkfs_ext4.go and mkfs_squashfs.go for
// each type, including how the automatic size is chosen.
func runMkfs(e env, args []string) error {
	fs := newFlagSet("mkfs")
	var epoch epochFlag
	fs.Var(&epoch, "epoch", "timestamp of every entry, in `seconds` since 1970")
	typ := fs.String("type", "", "file system: fat, fat32, ext4 or squashfs")
	label := fs.String("label", "", "volume label")
	size := fs.Int64("size", 0, "partition size in `bytes`; 0 picks the smallest sensible size")
	salt := fs.String("id-salt", "", "extra input to the derived IDs")
	offset := fs.Int64("offset", 0, "byte offset of the partition on its disk (FAT hidden sectors)")
	pos, err := parseArgs(fs, args, 2)
	if err != nil {
		return err
	}
	write, ok := mkfsTypes[*typ]
	if !ok {
		return usageErrorf("mkfs: --type %q: want fat, fat32, ext4 or squashfs", *typ)
	}
	if *size < 0 || *offset < 0 {
		return usageErrorf("mkfs: --size and --offset must not be negative")
	}
	if err := checkOutside(pos[0], pos[1]); err != nil {
		return err
	}
	seconds, err := epoch.resolve(e.lookup)
	if err != nil {
		return err
	}
	job := mkfsJob{typ: *typ, label: *label, size: *size, salt: *salt, offset: *offset, epoch: seconds, src: pos[0], out: pos[1]}
	res, err := write(job)
	if err != nil {
		return fmt.Errorf("mkfs: %w", err)
	}
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "%s\n", line)
	return err
}

// tooSmallError reports a partition the contents do not fit; the lead
// prefixes it with the recipe position.
func tooSmallError(need int64, typ string, have int64) error {
	return fmt.Errorf("contents need at least %s as %s; the partition is %s: raise size=", sizeString(need), typ, shortSize(have))
}

// sizeString shows a size as "143 MiB (150994944 bytes)".
func sizeString(n int64) string {
	return fmt.Sprintf("%d MiB (%d bytes)", (n+mebibyte-1)/mebibyte, n)
}

// shortSize shows a size in MiB when it is whole MiB, else in bytes.
func shortSize(n int64) string {
	if n%mebibyte == 0 {
		return fmt.Sprintf("%d MiB", n/mebibyte)
	}
	return fmt.Sprintf("%d bytes", n)
}

// mebibyte is the unit of automatic sizes.
const mebibyte = 1 << 20

// roundMiB rounds n up to whole MiB.
func roundMiB(n int64) int64 { return (n + mebibyte - 1) / mebibyte * mebibyte }

// errSquashfsLabel rejects a label squashfs cannot store.
var errSquashfsLabel = errors.New("squashfs has no volume label: drop label=")
