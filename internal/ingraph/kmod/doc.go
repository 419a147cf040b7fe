// Package kmod picks the Linux kernel modules, and the firmware they ask
// for, that an initramfs needs, from a tree holding an unpacked Debian
// kernel package.
//
// cairn builds an initramfs from packages unpacked into a directory, never
// by running maintainer scripts, so the module index that a kernel
// package's postinst would make with depmod(8) (modules.dep, modules.alias,
// modules.softdep) is usually missing, and modprobe cannot be used. This
// package does what mkinitramfs does with "modprobe --show-depends", from
// the files the package ships:
//
//   - A name is looked up like modprobe: dashes and underscores are the
//     same; a module file of that name wins, then every module file with
//     a matching alias, then every built-in module with one, then a
//     built-in module of that name (modules.builtin).
//   - The selection is the closure over hard dependencies and over the
//     "pre:" and "post:" soft dependencies (and "weakdep" entries), which
//     is how ext4 pulls in crc32c; a built-in module needs nothing. Hard
//     dependencies come from modules.dep when present, else from each
//     module's ".modinfo" "depends=" entry, which is what the kernel's
//     modpost computed from the same symbol tables depmod reads. Soft dependencies come from ".modinfo" and
//     modules.softdep. Unlike kmod 30, which honours only the first
//     softdep line of a module, every line counts: btrfs lists four.
//     Aliases come from modules.alias when present, else from every
//     module's ".modinfo" (read in parallel), plus modules.builtin.modinfo.
//   - The load order puts hard dependencies, then "pre:" soft
//     dependencies, before a module and "post:" ones after it, as modprobe
//     does; ties are broken by name, so the order depends only on the
//     tree and the requested names.
//   - Firmware named by a selected module's "firmware=" entries (for a
//     built-in module, its lines in modules.builtin.modinfo, as
//     initramfs-tools adds them) is looked up where the kernel looks (updates/VERSION, updates, VERSION, and the
//     firmware directory itself, each also with ".zst" and ".xz"
//     suffixes); missing firmware is reported, not an error, as in
//     mkinitramfs.
//
// Paths are resolved inside the tree as after chroot(2): a merged-/usr
// "lib -> usr/lib" symlink, or an absolute symlink, never leads to the
// host's files. Module files are copied as they are, compressed or not.
package kmod
