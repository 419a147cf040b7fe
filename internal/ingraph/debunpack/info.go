package debunpack

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"io"
	"os"
	"path"
	"strings"
	"syscall"
)

// Where dpkg keeps its database, relative to the root, and where cairn
// leaves each package's status entry for the caller to merge.
const (
	infoDir   = "var/lib/dpkg/info"
	statusDir = "var/lib/dpkg/cairn-status"
)

// infoName reports whether a control member is installed into the info
// directory, and under which suffix: dpkg skips "control", names holding
// a dot, and a member called "list", which would clash with its own.
func infoName(name string) bool {
	return name != "control" && name != "list" && !strings.Contains(name, ".")
}

// writeInfo writes the control members, the .list file and the status
// entry of pkg.
func writeInfo(t *tree, pkg Package, files []controlFile, list []string, status string) error {
	for _, f := range files {
		if !infoName(f.Name) {
			continue
		}
		m := meta{mode: uint32(f.Mode) & 0o7777, uid: f.UID, gid: f.GID, mtime: f.ModTime}
		if err := t.writeFile(path.Join(infoDir, pkg.ID()+"."+f.Name), f.Data, m); err != nil {
			return err
		}
	}
	generated := meta{mode: 0o644, mtime: t.epoch}
	listData := []byte(strings.Join(list, "\n") + "\n")
	if err := t.writeFile(path.Join(infoDir, pkg.ID()+".list"), listData, generated); err != nil {
		return err
	}
	return t.writeFile(path.Join(statusDir, pkg.ID()), []byte(status), generated)
}

// writeFile writes a generated regular file at rel.
func (t *tree) writeFile(rel string, data []byte, m meta) error {
	if err := t.mkParents(rel); err != nil {
		return errEntry(rel, err)
	}
	if _, err := t.clear(rel, false); err != nil {
		return errEntry(rel, err)
	}
	h := t.host(rel)
	if err := writeNew(h, bytes.NewReader(data)); err != nil {
		return errEntry(rel, err)
	}
	if err := setMeta(h, m, kindFile); err != nil {
		return errEntry(rel, err)
	}
	return nil
}

// hashConffiles fills in each conffile's hash: the MD5 of the regular
// file data.tar shipped at its path, or "newconffile" if it shipped none
// (as dpkg records conffiles it has not installed).
func hashConffiles(x *extractor, conffiles []conffile) error {
	for i := range conffiles {
		c := &conffiles[i]
		c.Hash = newConffileHash
		rel, ok, err := x.target(c.Path)
		if err != nil || !ok || c.RemoveOnUpgrade || !x.regular[rel] {
			continue
		}
		if c.Hash, err = md5File(x.t.host(rel)); err != nil {
			return errEntry(c.Path, err)
		}
	}
	return nil
}

// md5File returns the hex MD5 of a regular file, not following a
// symbolic link.
func md5File(h string) (string, error) {
	f, err := os.OpenFile(h, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sum := md5.New()
	if _, err := io.Copy(sum, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}
