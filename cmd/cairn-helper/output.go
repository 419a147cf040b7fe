package main

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// writeAtomic runs fill on a buffered writer into out+".tmp" and renames
// the result to out, so out is either absent, old or complete.
func writeAtomic(out string, fill func(io.Writer) error) error {
	tmp := out + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return errWrite(tmp, err)
	}
	if err := fillAndClose(f, fill); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		os.Remove(tmp)
		return errWrite(out, err)
	}
	return nil
}

// fillAndClose runs fill, flushes, syncs and closes f.
func fillAndClose(f *os.File, fill func(io.Writer) error) error {
	bw := bufio.NewWriterSize(f, 1<<20)
	err := fill(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = errWrite(f.Name(), cerr)
	}
	return err
}

// checkOutside rejects an output file inside the source tree, which would
// otherwise be archived half-written.
func checkOutside(src, out string) error {
	absSrc, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(absSrc, absOut)
	if err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
		return errOutInsideSrc(out, src)
	}
	return nil
}
