package archive

import (
	"io/fs"
	"syscall"
)

// hostInfo is what Walk needs from the raw stat data.
type hostInfo struct {
	uid, gid int
	dev, ino uint64
	rdev     uint64
}

// statInfo extracts owner, identity and device number from fi.
func statInfo(name string, fi fs.FileInfo) (hostInfo, error) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return hostInfo{}, errNoStat(name)
	}
	return hostInfo{
		uid:  int(st.Uid),
		gid:  int(st.Gid),
		dev:  uint64(st.Dev),
		ino:  uint64(st.Ino),
		rdev: uint64(st.Rdev),
	}, nil
}

// devMajor decodes the major number of a Linux dev_t.
func devMajor(dev uint64) uint32 {
	return uint32((dev>>8)&0xfff | (dev>>32)&^0xfff)
}

// devMinor decodes the minor number of a Linux dev_t.
func devMinor(dev uint64) uint32 {
	return uint32(dev&0xff | (dev>>12)&^0xff)
}
