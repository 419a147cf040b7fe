package debunpack

import (
	"archive/tar"
	"io"
	"strings"
	"time"
)

// maxControlMember bounds one control member held in memory.
const maxControlMember = 64 << 20

// controlFile is one regular member of control.tar.
type controlFile struct {
	Name     string
	Mode     int64
	UID, GID int
	ModTime  time.Time
	Data     []byte
}

// field is one field of a control paragraph, value as dpkg parses it:
// blanks after the colon and trailing white space removed, continuation
// lines kept verbatim.
type field struct{ Name, Value string }

// paragraph is a control paragraph in file order.
type paragraph []field

// Get returns the value of the named field, matched case-insensitively.
func (p paragraph) Get(name string) string {
	for _, f := range p {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// readControlTar reads the regular members of control.tar into memory,
// in archive order. Only the top directory may appear as a directory.
func readControlTar(r io.Reader) ([]controlFile, error) {
	tr := tar.NewReader(r)
	var files []controlFile
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, errMember("control.tar", err)
		}
		f, ok, err := controlEntry(tr, hdr)
		if err != nil {
			return nil, err
		}
		if ok {
			files = append(files, f)
		}
	}
}

// controlEntry turns one control.tar header into a controlFile; it
// reports false for the top directory and global headers.
func controlEntry(tr *tar.Reader, hdr *tar.Header) (controlFile, bool, error) {
	name := strings.TrimPrefix(hdr.Name, "./")
	switch {
	case hdr.Typeflag == tar.TypeXGlobalHeader:
		return controlFile{}, false, nil
	case hdr.Typeflag == tar.TypeDir && (name == "" || name == "."):
		return controlFile{}, false, nil
	case hdr.Typeflag != tar.TypeReg || name == "" || strings.Contains(name, "/"):
		return controlFile{}, false, errControlMember(hdr.Name)
	case hdr.Size > maxControlMember:
		return controlFile{}, false, errControlTooLarge(hdr.Name, hdr.Size)
	}
	data, err := io.ReadAll(tr)
	if err != nil {
		return controlFile{}, false, errMember("control.tar", err)
	}
	return controlFile{name, hdr.Mode, hdr.Uid, hdr.Gid, hdr.ModTime, data}, true, nil
}

// parseControl parses the single paragraph of a control file.
func parseControl(text string) (paragraph, error) {
	var p paragraph
	lines := strings.Split(strings.TrimLeft(text, "\n"), "\n")
	for i, line := range lines {
		switch {
		case line == "":
			if strings.TrimSpace(strings.Join(lines[i:], "")) != "" {
				return nil, errControl("more than one paragraph")
			}
			return p.check()
		case line[0] == ' ' || line[0] == '\t':
			if len(p) == 0 {
				return nil, errControl("continuation line before the first field")
			}
			p[len(p)-1].Value += "\n" + line
		default:
			f, err := parseFieldLine(line)
			if err != nil {
				return nil, err
			}
			p = append(p, f)
		}
	}
	return p.check()
}

// parseFieldLine splits "Name: value".
func parseFieldLine(line string) (field, error) {
	name, value, ok := strings.Cut(line, ":")
	name = strings.TrimRight(name, " \t")
	if !ok || name == "" || strings.ContainsAny(name, " \t") || name[0] == '-' {
		return field{}, errControl("bad field line " + quote(line))
	}
	return field{name, strings.TrimLeft(value, " \t")}, nil
}

// check trims values and requires the fields dpkg requires, once each.
func (p paragraph) check() (paragraph, error) {
	seen := make(map[string]bool)
	for i := range p {
		p[i].Value = strings.TrimRight(p[i].Value, " \t\n")
		key := strings.ToLower(p[i].Name)
		if seen[key] {
			return nil, errControl("duplicate field " + p[i].Name)
		}
		seen[key] = true
	}
	for _, name := range []string{"Package", "Version", "Architecture"} {
		if p.Get(name) == "" {
			return nil, errControl("missing field " + name)
		}
	}
	return p, nil
}
