package debunpack

import (
	"bufio"
	"io"
	"os"
)

// Options controls [Unpack].
type Options struct {
	// MergedUsr writes paths below bin, sbin, lib, lib32, lib64, libx32
	// and libo32 below usr/ instead and drops those top-level entries.
	MergedUsr bool
	// Arch, when not empty, is the architecture the package must be for
	// ("all" packages always match); it names Multi-Arch: same packages'
	// files.
	Arch string
	// Epoch is the mtime, in seconds since 1970, of the files and
	// directories Unpack generates.
	Epoch int64
}

// UnpackFile unpacks the .deb file at deb into outDir; see [Unpack].
func UnpackFile(deb, outDir string, opts Options) (Package, error) {
	f, err := os.Open(deb)
	if err != nil {
		return Package{}, err
	}
	defer f.Close()
	pkg, err := Unpack(f, outDir, opts)
	if err != nil {
		return pkg, errDeb(deb, err)
	}
	return pkg, nil
}

// Unpack reads a .deb from r and unpacks it into outDir, which is created
// if missing, as described in the package documentation. On error,
// outDir may hold part of the package.
func Unpack(r io.Reader, outDir string, opts Options) (Package, error) {
	d, err := openDeb(bufio.NewReaderSize(r, 1<<16))
	if err != nil {
		return Package{}, err
	}
	files, err := readControlMember(d)
	if err != nil {
		return Package{}, err
	}
	c, err := readControl(files, opts.Arch)
	if err != nil {
		return Package{}, err
	}
	return c.pkg, unpackData(d, c, outDir, opts)
}

// readControlMember reads the members of control.tar.
func readControlMember(d *debReader) ([]controlFile, error) {
	var files []controlFile
	err := d.tarMember("control", false, func(r io.Reader) (err error) {
		files, err = readControlTar(r)
		return err
	})
	return files, err
}

// controlInfo is what the control member says.
type controlInfo struct {
	pkg       Package
	para      paragraph
	files     []controlFile
	conffiles []conffile
}

// readControl parses the control and conffiles members.
func readControl(files []controlFile, arch string) (controlInfo, error) {
	c := controlInfo{files: files}
	for _, f := range files {
		var err error
		switch f.Name {
		case "control":
			c.para, err = parseControl(string(f.Data))
		case "conffiles":
			c.conffiles, err = parseConffiles(string(f.Data))
		}
		if err != nil {
			return c, err
		}
	}
	if c.para == nil {
		return c, errMissingMember("control.tar: control")
	}
	var err error
	c.pkg, err = identify(c.para, arch)
	return c, err
}

// unpackData extracts data.tar and writes the dpkg database files.
func unpackData(d *debReader, c controlInfo, outDir string, opts Options) error {
	t, err := newTree(outDir, opts.Epoch)
	if err != nil {
		return err
	}
	x := newExtractor(t, opts.MergedUsr)
	if err := d.tarMember("data", true, x.run); err != nil {
		return err
	}
	if err := hashConffiles(x, c.conffiles); err != nil {
		return err
	}
	status := renderStatus(c.para, c.conffiles)
	if err := writeInfo(t, c.pkg, c.files, x.list, status); err != nil {
		return err
	}
	return t.finish()
}
