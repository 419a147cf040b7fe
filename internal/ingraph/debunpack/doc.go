// Package debunpack unpacks one Debian binary package (.deb) into a
// directory the way dpkg's unpack phase leaves it on a root file system.
//
// cairn installs packages without running dpkg for each of them: every
// package is unpacked into its own BuildKit layer by this package (running
// inside the build graph through cairn-helper), the layers are merged into
// one root file system, and only then is "dpkg --configure -a" run once
// inside it. For that last step to work, each layer must hold exactly what
// dpkg itself would have left after unpacking: the files of data.tar with
// their owners, modes and times, the maintainer scripts and other control
// members under var/lib/dpkg/info, the .list file naming every path, and a
// status entry in state "unpacked". Because layers are cached and merged
// by content, the result must not depend on the clock or on map order.
//
// What is written, for a package P (named "P:ARCH" when it is Multi-Arch:
// same):
//
//   - every member of data.tar, with type, numeric owner, mode (including
//     setuid, setgid and sticky), mtime and SCHILY.xattr PAX records kept;
//   - var/lib/dpkg/info/P.NAME for each control member but "control",
//     with the control tar's mode, owner and mtime;
//   - var/lib/dpkg/info/P.list: "/." and then each data.tar path, as dpkg
//     records it;
//   - var/lib/dpkg/cairn-status/P: the control paragraph as a dpkg status
//     entry, "Status: install ok unpacked", in dpkg's field order, followed
//     by a blank line, for the caller to append to var/lib/dpkg/status.
//
// Conffiles are written at their final paths, not as ".dpkg-new" files, and
// their status hashes are the MD5 of the shipped content: "dpkg --configure"
// skips conffiles whose ".dpkg-new" file is absent and keeps the recorded
// hash, which leaves the same state dpkg reaches after configuring a fresh
// install. Directories that must be created and are not in data.tar get
// mode 0755, owner 0:0 and the mtime [Options.Epoch]; so do the generated
// .list and status files (mode 0644). The output directory itself keeps
// its mode and owner (0755 when created) but not data.tar's "./" entry,
// and gets the epoch as mtime.
//
// Extraction never follows a symbolic link: parents are created with mkdir
// and a path whose parent is not a real directory is refused. Writing
// numeric owners, devices and xattrs needs root.
//
// With [Options.MergedUsr], paths below the top-level directories that
// Debian's merged /usr turns into symbolic links (bin, sbin, lib, lib32,
// lib64, libx32, libo32) are written below usr/ instead, and those
// top-level entries themselves are dropped: the base layer provides the
// links. The .list keeps the paths as data.tar spells them, as dpkg does on
// a merged-/usr system.
package debunpack
