// Package iso9660 writes deterministic ISO 9660 images, bootable or not,
// optionally split into a volume set.
//
// cairn needs installer and live images that are bit-for-bit
// reproducible and that hold files of any size. The Go ISO writers at
// hand truncate files of 4 GiB and more, stamp the current time and
// hard-code the volume set fields, and the C tools are not in every build
// image; so cairn writes the format itself. Identical input gives
// identical bytes: no clock, no host inode numbers, no map order, and the
// source tree's location on the host never shows.
//
// # Layout
//
// Sectors are 2048 bytes. Sectors 0-15 are zero (the system area, left
// for a later hybrid MBR/GPT). Then come the Primary Volume Descriptor
// (sector 16), the El Torito Boot Record when booting, the Joliet
// Supplementary Volume Descriptor, the terminator, the four path tables
// (ISO L and M, Joliet L and M), the boot catalog, the ISO directories,
// the Joliet directories (both in path table order), the Rock Ridge
// continuation areas, and the file data in depth-first name order. In a
// volume set the manifest's data comes last. Each file's data is one
// contiguous run; hard-linked files share it. Empty files and symlinks
// point at sector 0 with length 0.
//
// Every date — descriptor creation, modification and effective dates,
// directory records, Rock Ridge TF modify, access and attribute-change
// times — is Options.Epoch in UTC; the expiration date is left unset.
// Years after 2155 do not fit a directory record and are rejected.
//
// # Names
//
// The ISO 9660 tree is level 3 (files of any size) with 8.3 names of
// d-characters: letters upper-cased, anything else '_', a leading dot
// made '_', the base cut to 8 and the extension (after the last dot) to
// 3, files carrying "NAME.EXT;1", directories "NAME". Names are handed out
// per directory in byte order of the original names; a clash (also
// between a file "X." and a directory "X", which read alike without Rock
// Ridge) replaces the tail of the base with "_1", "_2", ... Records are
// sorted as ECMA-119 9.3 says (name, then extension, space padded).
// Directories may nest deeper than ISO 9660's 8 levels; Linux, libisofs
// (xorriso) and other modern readers accept it, and Rock Ridge relocation
// (RE/CL) is not used.
//
// The Joliet tree (UCS-2 level 3, "%/E") has the names in UTF-16
// big-endian, surrogate pairs kept, control characters and * / : ; ? \
// and invalid UTF-8 replaced by '_', at most 64 characters: a longer name
// is cut before its extension (when that is at most 16 characters). Files
// carry ";1". Clashes get "_1", "_2", ... before the extension. Symlinks
// have no Joliet form and are left out of that tree.
//
// # Rock Ridge
//
// Every ISO record carries RRIP 1.12 entries on SUSP 1.12: PX (mode with
// file type, link count, uid, gid, serial number), TF, NM (the name; a
// long one over several NM entries) and, for symlinks, SL (components,
// with ROOT, CURRENT and PARENT flags; long targets and components over
// several entries; targets are limited to the 1024 bytes libisofs
// reads). The root's "." record starts with SP and announces the
// extension with ER "RRIP_1991A". What does not fit a record's 254
// bytes goes to continuation areas (CE), each within one sector as Linux
// requires, chained when needed. Modes, setuid/setgid/sticky bits and
// numeric owners are kept as found on disk (the caller decides owners).
// Serial numbers are assigned from 1 in depth-first name order of the
// source tree; hard links share one; parts of split files and the
// manifest get the numbers after the tree's. Directory link counts are 2
// plus their subdirectories, file link counts the names sharing the data
// on that volume.
//
// # Large files
//
// A file of 4 GiB or more is stored as one contiguous run described by
// several consecutive directory records with the same name, each covering
// at most 0xFFFFF800 bytes; all but the last have flag bit 7
// (multi-extent) set. Both trees do so, and every record carries the
// same Rock Ridge entries (Linux reads the name from the last, the inode
// from the first).
//
// # El Torito
//
// Options.BIOSImage names a file of the tree as a no-emulation boot image
// loaded as 4 sectors of 512 bytes; its copy on the disc (not the source)
// gets a boot info table at offset 8, as mkisofs -boot-info-table does.
// Options.EFIImage is a FAT image on the host: if it is a file of the tree
// (same device and inode) that file's data is used, otherwise its data is
// added without any directory entry. Its entry has platform 0xEF, no
// emulation, and a sector count of its size in 512-byte units, capped at
// 0xFFFF as xorriso does. With both, the BIOS image is the default entry
// and the EFI image the entry of a final section. The boot catalog has no
// directory entry either (like xorriso -boot_catalog_hidden), so the
// images' names can never clash with the tree's.
//
// # Volume sets
//
// With Options.MaxVolumeSize set and the content too big for one image,
// Write makes a volume set: N images with the same Volume Set Identifier,
// Volume Set Size N and Volume Sequence Number i in both descriptors and
// every directory record. Volume 1 keeps Options.VolumeID; volume i is
// "ID_i", the ID cut to fit 32 characters. Every volume is a complete
// ISO 9660 file system holding its share of the files, the directories
// leading to them and the manifest.
//
// Placement: the boot images and every path under an Options.First
// prefix go on volume 1 (an error if they do not fit). Then every other
// file, symlink and empty directory, in depth-first name order, goes on
// the first volume with room (first fit), or on a new volume. A file
// larger than an empty volume can hold is split: part 1 fills the room
// left on the last volume, the next parts fill new volumes. Part k of
// DIR/NAME is stored as DIR/NAME.partNNN (k in at least three digits,
// from 001). Hard-linked names on the same volume share data; on
// different volumes each has its own copy. Room is judged by an upper
// bound of each volume's metadata, so volumes may end a few sectors short
// of the limit; too small a limit is reported with the smallest useful
// size.
//
// The manifest, /cairn-volumes.txt, is identical on every volume (an
// image cannot list its own hash; the images' hashes are in the separate
// BASE.sha256). It is plain text, one record per line, fields separated
// by single spaces, paths relative to the volume root, always last on
// their line:
//
//	cairn-volumes 1                      format version
//	set <volume-set-id>
//	volumes <N>
//	volume <seq> <volume-id>             one per volume, seq 1..N
//	split <parts> <sha256> <path>        one per split file: whole-file hash
//	<sha256>  <seq>/<path>               one per regular file or part
//
// The last form is sha256sum's, with the volume number as the first path
// component, so a busybox shell finds volume seq by its volume ID (its
// label) and checks it with
//
//	grep "^[0-9a-f]\{64\}  $seq/" cairn-volumes.txt | sed "s|  $seq/|  $MNT/|" | sha256sum -c
//
// and rebuilds a split file by concatenating <path>.part001 ... in order
// and checking the split line's hash. Paths with line breaks are refused
// in a volume set.
//
// The Volume Set Identifier is Options.VolumeSetID, or else "CAIRN_"
// followed by 32 upper-case hex digits of a sha256 over the volume ID,
// the epoch, the size limit, the boot options and, for every entry of the
// tree in depth-first name order, its path, type, mode, owner, size,
// symlink target and the sha256 of its data. The descriptors are written
// last, once all data has been hashed.
//
// # Output
//
// Write puts BASE.iso, or BASE-1.iso ... BASE-N.iso, and BASE.sha256 (one
// "<sha256>  <file name>" line per image, for sha256sum -c in that
// directory) into the output directory, each under a temporary name
// renamed into place. Images are written sparse: input files are read by
// their SEEK_DATA/SEEK_HOLE ranges, and 4 KiB blocks of zeros in the output
// are left as holes (internal/ingraph/sparse), so a 5 GiB sparse input
// costs no disk.
package iso9660
