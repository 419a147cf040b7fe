// Package uefi writes what UEFI Secure Boot needs besides signatures: a
// unified kernel image (a systemd stub with the kernel, initramfs and
// command line as sections, so one signature covers all three), EFI
// signature lists, and a firmware variable store with PK, KEK and db
// enrolled so that OVMF or AAVMF boots enforcing from its first start.
//
// All of it is written by cairn rather than by ukify or virt-fw-vars
// because neither is in Debian 12, and because the bytes must not depend
// on the clock: variable timestamps come from SOURCE_DATE_EPOCH and
// signature owners from the certificates' digests.
package uefi
