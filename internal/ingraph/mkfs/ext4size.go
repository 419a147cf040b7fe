package mkfs

import (
	"path"
	"syscall"

	"golang.org/x/sys/unix"
)

// ext4 layout constants of the file systems cairn makes (-b 4096, 256-byte
// inodes, 64-bit group descriptors).
const (
	ext4Block      = 4096
	ext4InodeSize  = 256
	ext4PerGroup   = 32768 // blocks per group
	ext4InodeSpace = 96    // in-inode xattr space: 256 - 128 - 32
	ext4MinAuto    = 8 << 20
)

// ext4Stats are the figures of a tree that decide the size of its ext4
// image.
type ext4Stats struct {
	inodes   int64            // inodes the tree takes, root and lost+found included
	blocks   int64            // blocks of data, directories, long links and xattr blocks
	dirBytes map[string]int64 // directory entry bytes per directory, during the walk
}

// add counts one inode at rel.
func (s *ext4Stats) add(rel string, st *syscall.Stat_t, xs []xattr) {
	s.inodes++
	if rel != "." {
		s.addName(rel)
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		n := (st.Size + ext4Block - 1) / ext4Block
		s.blocks += n + n/(ext4PerGroup*340) // extent index blocks for huge files
	case unix.S_IFDIR:
		s.dirBytes[rel] += 24 // "." and ".."
	case unix.S_IFLNK:
		if st.Size >= 60 { // shorter targets live in the inode
			s.blocks++
		}
	}
	if xattrBytes(xs) > ext4InodeSpace {
		s.blocks++
	}
}

// addName counts the directory entry for rel in its parent.
func (s *ext4Stats) addName(rel string) {
	s.dirBytes[path.Dir(rel)] += 8 + (int64(len(path.Base(rel)))+3)&^3
}

// finish turns directory entry bytes into blocks (each 4 KiB block keeps
// 12 bytes for its checksum) and adds lost+found (16 KiB).
func (s *ext4Stats) finish() {
	s.addName("lost+found")
	s.inodes++
	s.blocks += 4
	for _, n := range s.dirBytes { // a sum: order does not matter
		s.blocks += max(1, (n+ext4Block-12-1)/(ext4Block-12))
	}
	s.dirBytes = nil
}

// xattrBytes is the space a set of attributes takes in an inode.
func xattrBytes(xs []xattr) int64 {
	if len(xs) == 0 {
		return 0
	}
	n := int64(4) // header
	for _, x := range xs {
		n += 16 + (int64(len(x.name))+3)&^3 + (int64(len(x.value))+3)&^3
	}
	return n
}

// inodeRatio is bytes per inode for a file system of size bytes: what
// cairn's mke2fs.conf gives mke2fs's size classes.
func inodeRatio(size int64) int64 {
	switch {
	case size < 3<<20:
		return 8192 // floppy
	case size < 512<<20:
		return 4096 // small
	case size < 4<<40:
		return 16384 // default
	case size < 16<<40:
		return 32768 // big
	}
	return 65536 // huge
}

// inodeCount is the -N value for a tree on size bytes: 0 (mke2fs's
// default) when the default ratio gives enough inodes, else the tree's
// inodes plus a tenth.
func inodeCount(st ext4Stats, size int64) int64 {
	if size/inodeRatio(size) >= st.inodes+st.inodes/10 {
		return 0
	}
	return st.inodes + max(st.inodes/10, 16)
}

// journalBlocks is mke2fs 1.47.0's default journal size for a file
// system of n blocks.
func journalBlocks(n int64) int64 {
	for _, step := range []struct{ below, size int64 }{
		{2048, 0}, {32768, 1024}, {256 * 1024, 4096}, {512 * 1024, 8192}, {4096 * 1024, 16384},
		{8192 * 1024, 32768}, {16384 * 1024, 65536}, {32768 * 1024, 131072},
	} {
		if n < step.below {
			return step.size
		}
	}
	return 262144
}

// ext4Overhead estimates the bytes of metadata of a size-byte file
// system: journal, inode tables, bitmaps, and superblock, descriptor and
// reserved descriptor copies (about 1% in all for small systems).
func ext4Overhead(st ext4Stats, size int64) int64 {
	blocks := size / ext4Block
	inodes := max(size/inodeRatio(size), inodeCount(st, size))
	groups := (blocks + ext4PerGroup - 1) / ext4PerGroup
	meta := journalBlocks(blocks) + inodes*ext4InodeSize/ext4Block + 2*groups + blocks/100 + 64
	return meta * ext4Block
}

// ext4Estimate is the size the tree needs, data grown by slack percent,
// found by iterating size = data + overhead(size) to a fixed point, in
// whole MiB and at least 8 MiB (so the file system has a journal).
func ext4Estimate(st ext4Stats, slack int64) int64 {
	data := st.blocks * ext4Block * (100 + slack) / 100
	size := int64(ext4MinAuto)
	for range 20 {
		next := max(ext4MinAuto, roundMiB(data+ext4Overhead(st, size)))
		if next <= size {
			break
		}
		size = next
	}
	return size
}
