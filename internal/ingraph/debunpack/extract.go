package debunpack

import (
	"archive/tar"
	"io"
	"os"
)

// extractor writes the members of data.tar into a tree.
type extractor struct {
	t         *tree
	mergedUsr bool
	// list holds the .list paths in archive order.
	list []string
	// regular holds the relative paths written as regular files or hard
	// links to them.
	regular map[string]bool
}

// newExtractor returns an extractor writing into t.
func newExtractor(t *tree, mergedUsr bool) *extractor {
	return &extractor{t: t, mergedUsr: mergedUsr, list: []string{}, regular: make(map[string]bool)}
}

// run extracts every member of the tar stream r.
func (x *extractor) run(r io.Reader) error {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return errMember("data.tar", err)
		}
		if err := x.entry(corruptReader{tr}, hdr); err != nil {
			return errEntry(hdr.Name, err)
		}
	}
}

// entry records and writes one member.
func (x *extractor) entry(r io.Reader, hdr *tar.Header) error {
	if hdr.Typeflag == tar.TypeXGlobalHeader {
		return nil
	}
	x.list = append(x.list, listPath(hdr.Name))
	rel, ok, err := x.target(hdr.Name)
	if err != nil || !ok {
		return err
	}
	if err := x.t.mkParents(rel); err != nil {
		return err
	}
	return x.create(r, hdr, rel)
}

// target maps an archive path to the relative path written; it reports
// false for the top directory and for entries merged /usr drops.
func (x *extractor) target(name string) (string, bool, error) {
	rel, err := cleanPath(name)
	if err != nil || rel == "" {
		return "", false, err
	}
	if !x.mergedUsr {
		return rel, true, nil
	}
	rel, ok := mergeUsr(rel)
	return rel, ok, nil
}

// create writes one node of any supported type.
func (x *extractor) create(r io.Reader, hdr *tar.Header, rel string) error {
	if hdr.Typeflag == tar.TypeLink {
		return x.link(hdr, rel)
	}
	kept, err := x.t.clear(rel, hdr.Typeflag == tar.TypeDir)
	if err != nil {
		return err
	}
	delete(x.regular, rel)
	h, k := x.t.host(rel), kindFile
	switch hdr.Typeflag {
	case tar.TypeReg:
		err = writeNew(h, r)
		x.regular[rel] = true
	case tar.TypeDir:
		err = x.dir(h, rel, kept, hdr)
		k = kindDir
	case tar.TypeSymlink:
		err = os.Symlink(hdr.Linkname, h)
		k = kindSymlink
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		err = mknod(h, hdr)
	default:
		return errType(hdr.Typeflag)
	}
	if err != nil {
		return err
	}
	return setMeta(h, metaOf(hdr), k)
}

// dir creates a directory unless one was kept, and remembers its mtime.
func (x *extractor) dir(h, rel string, kept bool, hdr *tar.Header) error {
	x.t.dirs[rel] = true
	x.t.dirTimes[rel] = hdr.ModTime
	if kept {
		return nil
	}
	return os.Mkdir(h, 0o700)
}

// link makes rel a hard link to an entry written earlier. The link
// shares its target's inode, so no metadata is applied.
func (x *extractor) link(hdr *tar.Header, rel string) error {
	target, ok, err := x.target(hdr.Linkname)
	switch {
	case err != nil:
		return err
	case !ok || target == rel:
		return errBadLink(hdr.Linkname)
	}
	if err := x.t.mkParents(target); err != nil {
		return err
	}
	fi, err := os.Lstat(x.t.host(target))
	if err != nil || fi.IsDir() {
		return errBadLink(hdr.Linkname)
	}
	if _, err := x.t.clear(rel, false); err != nil {
		return err
	}
	x.regular[rel] = x.regular[target]
	return os.Link(x.t.host(target), x.t.host(rel))
}

// corruptReader marks errors reading an entry's content, which come from
// a damaged archive, as format errors.
type corruptReader struct{ r io.Reader }

// Read implements io.Reader.
func (c corruptReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF {
		err = errMember("data.tar", err)
	}
	return n, err
}
