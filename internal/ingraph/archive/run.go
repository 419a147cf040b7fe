package archive

import (
	"bufio"
	"io"
	"os"

	"github.com/cairn-build/cairn/internal/epoch"
	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// RunTar writes the tar archive req asks for to req.Out, atomically.
func RunTar(req request.Tar) error {
	opts := requested(req.Epoch, req.KeepOwners)
	opts.Prefix = req.Prefix
	return writeAtomic(req.Out, func(w io.Writer) error { return WriteTar(w, req.Src, opts) })
}

// RunCpio writes the cpio archive req asks for to req.Out, compressed as
// asked, atomically.
func RunCpio(req request.Cpio) error {
	opts := requested(req.Epoch, req.KeepOwners)
	return writeAtomic(req.Out, func(w io.Writer) error {
		return compressed(w, req.Compress, func(w io.Writer) error { return WriteCpio(w, req.Src, opts) })
	})
}

// requested is Reproducible at e or, keeping owners, the owners and
// extended attributes found on disk (cpio has no place for the latter).
func requested(e epoch.Epoch, keepOwners bool) Options {
	opts := Reproducible(e.Unix())
	if keepOwners {
		opts.UID, opts.GID, opts.Xattrs = nil, nil, true
	}
	return opts
}

// writeAtomic runs fill on a buffered writer into out+".tmp" and renames
// the result to out, so out is either absent, old or complete.
func writeAtomic(out string, fill func(io.Writer) error) error {
	tmp := out + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return errWrap("write", tmp, err)
	}
	if err := fillAndClose(f, fill); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		os.Remove(tmp)
		return errWrap("write", out, err)
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
		err = errWrap("write", f.Name(), cerr)
	}
	return err
}
