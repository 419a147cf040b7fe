package debunpack

import (
	"bytes"
	"errors"
	"io"
	"strconv"
)

// The common ar format that .deb files use: a global magic, then per member
// a 60-byte header of space-padded ASCII fields and the data, padded to an
// even length with "\n".
const (
	arMagic     = "!<arch>\n"
	arHeaderLen = 60
	arFileMagic = "`\n"
)

// arMember is one member's header, as far as a .deb needs it.
type arMember struct {
	Name string
	Size int64
}

// arReader reads the members of an ar archive in order.
type arReader struct {
	r       io.Reader
	offset  int64 // bytes consumed so far
	pending int64 // unread data plus padding of the current member
	data    *memberReader
}

// newArReader checks the global header and returns a reader positioned
// before the first member.
func newArReader(r io.Reader) (*arReader, error) {
	magic := make([]byte, len(arMagic))
	if _, err := io.ReadFull(r, magic); err != nil {
		return nil, errNotAr(err)
	}
	if string(magic) != arMagic {
		return nil, errNotAr(nil)
	}
	return &arReader{r: r, offset: int64(len(arMagic))}, nil
}

// Next skips the rest of the current member and returns the next header,
// or io.EOF at the clean end of the archive.
func (a *arReader) Next() (arMember, error) {
	if err := a.skip(); err != nil {
		return arMember{}, err
	}
	hdr := make([]byte, arHeaderLen)
	n, err := io.ReadFull(a.r, hdr)
	a.offset += int64(n)
	switch {
	case err == io.EOF:
		return arMember{}, io.EOF
	case err != nil:
		return arMember{}, errTruncated("ar member header", err)
	}
	m, err := parseArHeader(hdr, a.offset-arHeaderLen)
	if err != nil {
		return arMember{}, err
	}
	a.data = &memberReader{r: a.r, left: m.Size, name: m.Name}
	a.pending = m.Size + m.Size%2
	return m, nil
}

// Reader returns the data of the current member; reading past its end
// gives io.EOF and a short archive gives io.ErrUnexpectedEOF.
func (a *arReader) Reader() io.Reader { return a.data }

// skip discards what is left of the current member and its padding.
func (a *arReader) skip() error {
	if a.data == nil {
		return nil
	}
	consumed := a.data.read
	n, err := io.CopyN(io.Discard, a.r, a.pending-consumed)
	a.offset += consumed + n
	a.pending, a.data = 0, nil
	if err != nil {
		return errTruncated("ar member", unexpected(err))
	}
	return nil
}

// parseArHeader decodes one member header found at offset.
func parseArHeader(hdr []byte, offset int64) (arMember, error) {
	if string(hdr[58:60]) != arFileMagic {
		return arMember{}, errArHeader(offset, "bad header terminator")
	}
	name := string(bytes.TrimRight(hdr[0:16], " "))
	if len(name) > 1 && name[len(name)-1] == '/' {
		name = name[:len(name)-1] // GNU ar marks the end of a name with "/"
	}
	if name == "" || name == "/" || name == "//" {
		return arMember{}, errArHeader(offset, "symbol table or long-name member")
	}
	size, err := strconv.ParseInt(string(bytes.TrimRight(hdr[48:58], " ")), 10, 64)
	if err != nil || size < 0 {
		return arMember{}, errArHeader(offset, "bad size field")
	}
	return arMember{Name: name, Size: size}, nil
}

// memberReader reads exactly left bytes of one member.
type memberReader struct {
	r    io.Reader
	left int64
	read int64
	name string
}

// Read implements io.Reader.
func (m *memberReader) Read(p []byte) (int, error) {
	if m.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > m.left {
		p = p[:m.left]
	}
	n, err := m.r.Read(p)
	m.left -= int64(n)
	m.read += int64(n)
	if err == io.EOF && m.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	if err == io.EOF {
		err = nil
	}
	return n, err
}

// unexpected maps a plain end of file inside a member to
// io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
