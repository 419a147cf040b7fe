package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// treeDigest is a content digest of a directory tree: every entry's path,
// type and permission bits, and each file's SHA-256 or link target, in
// lexical order. Owners and times are left out: the engine fixes those, and
// the digest must not change when a checkout is copied.
//
// Hashing a large output again on every no-op build costs seconds, so the
// digest comes with an index of every regular file's stat data and sum,
// kept beside the outputs (.cairn-index/, output.go), and known supplies sums the caller trusts
// without reading the file: the ones untar took while writing, or the
// index's where the stat data still matches, as git's index does.
func treeDigest(root string, known func(rel string, st fileStat) (string, bool)) (string, fileIndex, error) {
	h := sha256.New()
	index := fileIndex{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil // the output directory itself is cairn's, not the artifact's
		}
		return hashEntry(h, p, filepath.ToSlash(rel), d, known, index)
	})
	if err != nil {
		return "", nil, err
	}
	return fmt.Sprintf("sha256:%x", h.Sum(nil)), index, nil
}

// fileIndex maps an output's regular files, by slash path, to what says
// they are unchanged and their sum.
type fileIndex map[string]fileStat

// fileStat is a file's size, times, inode and SHA-256: if the first four
// are as recorded, the file holds the recorded bytes. ctime moves with any
// change of content or metadata, and cannot be set back.
type fileStat struct {
	Size  int64  `json:"size"`
	Mtime int64  `json:"mtime_ns"`
	Ctime int64  `json:"ctime_ns"`
	Ino   uint64 `json:"ino"`
	Sum   string `json:"sha256,omitempty"`
}

func statOf(info fs.FileInfo) fileStat {
	st := fileStat{Size: info.Size(), Mtime: info.ModTime().UnixNano()}
	if sys, ok := info.Sys().(*syscall.Stat_t); ok {
		st.Ctime, st.Ino = sys.Ctim.Nano(), sys.Ino
	}
	return st
}

// matches is known for an index: its sum where the stat data is the same.
func (x fileIndex) matches(rel string, st fileStat) (string, bool) {
	had, ok := x[rel]
	if !ok || had.Sum == "" || had.Ctime == 0 {
		return "", false
	}
	st.Sum = had.Sum
	return had.Sum, st == had
}

// sumsOf is known for sums just taken.
func sumsOf(sums map[string]string) func(string, fileStat) (string, bool) {
	return func(rel string, _ fileStat) (string, bool) {
		s, ok := sums[rel]
		return s, ok && s != ""
	}
}

func hashEntry(h io.Writer, p, rel string, d fs.DirEntry, known func(string, fileStat) (string, bool), index fileIndex) error {
	info, err := d.Info()
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "%s\x00%o\x00", rel, info.Mode())
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		fmt.Fprintf(h, "%s\x00", target)
		return err
	case info.Mode().IsRegular():
		st := statOf(info)
		sum, ok := "", false
		if known != nil {
			sum, ok = known(rel, st)
		}
		if !ok {
			if sum, err = hashFile(p); err != nil {
				return err
			}
		}
		st.Sum = sum
		index[rel] = st
		fmt.Fprintf(h, "%s\x00", sum)
	}
	return nil
}

func hashFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fh := sha256.New()
	if _, err := io.Copy(fh, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(fh.Sum(nil)), nil
}
