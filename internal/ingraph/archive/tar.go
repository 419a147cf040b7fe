package archive

import (
	"archive/tar"
	"io"
	"time"
)

// WriteTar writes the tree below root to w as a deterministic PAX tar
// archive, following the rules in the package documentation.
func WriteTar(w io.Writer, root string, opts Options) error {
	entries, err := Walk(root, opts)
	if err != nil {
		return err
	}
	return encodeTar(w, entries)
}

// encodeTar writes entries, with the content of regular files, as tar.
func encodeTar(w io.Writer, entries []Entry) error {
	tw := tar.NewWriter(w)
	for _, e := range entries {
		if err := writeTarEntry(tw, e); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return errWrap("finish", "tar", err)
	}
	return nil
}

// writeTarEntry writes one header and, for a regular file carrying data,
// its content.
func writeTarEntry(tw *tar.Writer, e Entry) error {
	hdr := tarHeader(e)
	if err := tw.WriteHeader(hdr); err != nil {
		return errWrap("write tar header for", e.Path, err)
	}
	if hdr.Typeflag != tar.TypeReg || e.Size == 0 {
		return nil
	}
	return copyContent(tw, e)
}

// tarHeader translates an entry into a tar header with no host detail.
func tarHeader(e Entry) *tar.Header {
	hdr := &tar.Header{
		Name:    e.Path,
		Mode:    int64(e.Perm),
		Uid:     e.UID,
		Gid:     e.GID,
		ModTime: time.Unix(e.ModTime, 0),
		Format:  tar.FormatPAX,
	}
	switch e.Kind {
	case KindRegular:
		setTarRegular(hdr, e)
	case KindDir:
		hdr.Typeflag, hdr.Name = tar.TypeDir, e.Path+"/"
	case KindSymlink:
		hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, e.Linkname
	case KindChar, KindBlock:
		setTarDevice(hdr, e)
	case KindFifo:
		hdr.Typeflag = tar.TypeFifo
	}
	setTarXattrs(hdr, e)
	return hdr
}

// setTarXattrs adds e's extended attributes as PAX records, except to a
// hard link, whose target already carries them. archive/tar writes PAX
// records sorted by key.
func setTarXattrs(hdr *tar.Header, e Entry) {
	if len(e.Xattrs) == 0 || hdr.Typeflag == tar.TypeLink {
		return
	}
	hdr.PAXRecords = make(map[string]string, len(e.Xattrs))
	for _, x := range e.Xattrs {
		hdr.PAXRecords[paxXattr+x.Name] = x.Value
	}
}

// setTarRegular makes hdr a regular file or, for a later member of a
// hard-link group, a link to the first member.
func setTarRegular(hdr *tar.Header, e Entry) {
	if e.LinkTo != "" {
		hdr.Typeflag, hdr.Linkname = tar.TypeLink, e.LinkTo
		return
	}
	hdr.Typeflag, hdr.Size = tar.TypeReg, e.Size
}

// setTarDevice makes hdr a character or block device.
func setTarDevice(hdr *tar.Header, e Entry) {
	hdr.Typeflag = tar.TypeChar
	if e.Kind == KindBlock {
		hdr.Typeflag = tar.TypeBlock
	}
	hdr.Devmajor, hdr.Devminor = int64(e.Major), int64(e.Minor)
}
