// Package mkfs makes the file system images of cairn's partitions and ISO
// EFI images, inside the build, from a tree: FAT with internal/ingraph/fat,
// ext4 and squashfs by driving mke2fs and mksquashfs from cairn's tools root
// (found in PATH), because writing those formats in Go would be a second
// implementation of file systems the kernel already trusts e2fsprogs and
// squashfs-tools for.
//
// Those tools are not reproducible on their own: they stamp the clock, pick
// random UUIDs and hash seeds, and copy extended attributes in the order
// the source happens to list them. This package closes each gap: every
// identifier derives from a digest of the tree's content (ids.go, digest.go),
// every timestamp is the request's epoch (mke2fs's leftovers are patched in
// the image, ext4time.go), extended attributes are set in sorted order
// (ext4xattr.go, stage.go), and the tools run with a pinned configuration
// and a scrubbed environment (out.go). The same tree and request give the
// same bytes, whatever the machine, the clock or the tree's history.
//
// Sizes are automatic unless the request gives one: the smallest sensible
// size, in whole MiB, with room to spare for writable file systems; a size
// too small fails with the size needed, so the recipe can be fixed in one
// step.
package mkfs
