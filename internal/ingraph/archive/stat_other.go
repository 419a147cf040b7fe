//go:build !linux

package archive

import "io/fs"

// hostInfo is what Walk needs from the raw stat data.
type hostInfo struct {
	uid, gid int
	dev, ino uint64
	rdev     uint64
}

// statInfo fails: the helper only ever runs on Linux, and other systems
// encode device numbers differently.
func statInfo(name string, _ fs.FileInfo) (hostInfo, error) {
	return hostInfo{}, errNoStat(name)
}

// devMajor is unused off Linux.
func devMajor(uint64) uint32 { return 0 }

// devMinor is unused off Linux.
func devMinor(uint64) uint32 { return 0 }
