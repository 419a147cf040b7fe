package debunpack

import "io"

// ReadControl returns the control file of the .deb read from r, as the
// package holds it, after checking the archive's format as Unpack does.
// An apt repository's Packages index is made of these paragraphs.
func ReadControl(r io.Reader) ([]byte, error) {
	d, err := openDeb(r)
	if err != nil {
		return nil, err
	}
	files, err := readControlMember(d)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if f.Name == "control" {
			if _, err := parseControl(string(f.Data)); err != nil {
				return nil, err
			}
			return f.Data, nil
		}
	}
	return nil, errMissingMember("control.tar: control")
}
