// Package archive writes deterministic tar and cpio ("newc") archives of a
// directory tree.
//
// cairn's outputs must be bit-for-bit reproducible: the same inputs must
// always give the same digest. Host tar and cpio leak the machine they run
// on into the archive: modification times, owner ids and names, host inode
// numbers and the order in which readdir happens to return names. This
// package keeps only what describes the tree itself.
//
// One mechanism, two encoders: [Walk] reads the tree into a sorted list of
// [Entry] values with the normalisation below already applied, and
// [WriteTar] and [WriteCpio] only encode that list. [WriteTarFiles]
// encodes a few files given in memory ([MemFile]) by the same rules.
//
// The package also holds cairn's one walk of a source tree, [Visit]:
// depth first, each directory's names in byte order, the root first and
// possibly a symbolic link to a directory. Walk is built on it, and so
// is every format writer that reads a tree: ISO 9660 reads [Walk]'s
// entries (with [Options.Root], and [Options.Check] to refuse what it
// cannot hold), FAT visits with [FollowLinks] (it has no links, so it
// holds copies of their targets, resolved inside the tree as
// [ResolveInRoot] resolves paths), and mkfs visits the raw tree that
// mke2fs and mksquashfs read: every extended attribute, every hard link
// and socket, none of the normalisation below. kmod finds module files
// with Visit; kmod and ocilayout resolve paths with ResolveInRoot.
//
// The rules, shared by both formats:
//
//   - Entries are sorted by path, component by component, each component
//     compared byte-wise (see [ComparePaths]): the order of a depth-first
//     walk that lists each directory's names in byte order, so "a",
//     "a/b", "a-b". A parent precedes its children and every directory's
//     subtree is contiguous, which extractors rely on: GNU tar restores a
//     directory's mtime as soon as it leaves that directory, so a plain
//     byte sort (which puts "a-b" between "a" and "a/b") would make it
//     restore "a" too early.
//   - Archive paths are relative and slash-separated, with no leading "/"
//     or "./" ("init", "bin/sh"), which is what the Linux initramfs
//     unpacker and GNU tar expect. In tar, directories carry a trailing
//     "/".
//   - The root directory itself is not archived, so extracting never
//     changes the mode of the directory extracted into. With
//     [Options.Prefix] set, the prefix directory is archived with the
//     root's mode and owner, preceded by its ancestors with mode 0755.
//   - Every entry's mtime is [Options.Epoch]. Owners are forced to
//     [Options.UID] and [Options.GID] when set ([Reproducible] sets both to
//     0). No atime, ctime, user name or group name is recorded.
//   - Mode bits are kept, including setuid, setgid and sticky.
//   - Extended attributes are recorded only with [Options.Xattrs], and
//     only in tar, as PAX records SCHILY.xattr.NAME (what GNU tar
//     --xattrs and BuildKit read), sorted by name, and not on hard-link
//     entries, whose first member carries them. Only attributes that
//     describe the tree are kept: security.capability (the file
//     capabilities setcap sets, as on ping) and the user and trusted
//     namespaces, except overlayfs's own overlay.* attributes. SELinux
//     labels, IMA and EVM signatures and ACLs (system.*) follow the
//     host's policy and are left out. Symbolic links' own attributes
//     are read, never their targets'.
//   - Regular files, directories, symbolic links, character and block
//     devices (with their major and minor numbers) and FIFOs are archived.
//     Sockets are skipped: they cannot be meaningfully archived.
//   - Regular files sharing a host device and inode are hard links. The
//     first in archive order carries the data; later ones are tar
//     TypeLink entries naming it. In cpio, all of them share one inode
//     number and link count, and only the last one carries the data, as
//     GNU cpio and the kernel's initramfs unpacker expect. Hard-linked
//     symbolic links, devices and FIFOs are archived as independent
//     entries.
//   - Inode numbers are assigned from 1 in archive order; host inode
//     numbers never appear.
//   - Symbolic links below the root are never followed; the root may
//     itself be a symbolic link to a directory.
//
// Tar output uses the PAX format (plain ustar headers whenever a PAX record
// is not needed) and ends with the two zero blocks, with no further record
// padding. Cpio output ends with the "TRAILER!!!" record and is not padded
// to a block size.
package archive
