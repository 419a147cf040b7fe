// Package debrepo fetches and verifies the metadata of Debian package
// repositories: the signed InRelease (or Release + Release.gpg) and the
// Packages indexes it lists, and the Sources indexes (the pseudo-architecture
// "source", SourceArch) for source packages.
//
// The resolved package set decides the build graph, so this metadata is
// needed on the client while a recipe is evaluated, before any BuildKit
// operation exists; the .deb files themselves are fetched later, inside the
// build. Every byte is verified before it is trusted: the Release signature
// against the repository's keyring, then each index's size and SHA-256
// against the signed Release, before it is decompressed or cached. Verified
// indexes are stored content-addressed (<cache>/sha256/<hex>), so repeated
// evaluations re-download only the small InRelease; a lockfile skips this
// package entirely.
//
// Of the encodings a Release lists, Packages.gz is preferred, then
// Packages.xz, then the uncompressed Packages: xz is smaller to download
// but decodes about ten times slower in pure Go, which costs more than the
// extra bytes.
//
// The host's apt configuration (ReadHostSources) is read only by the CLI, to
// suggest a mirror; recipes never see it.
package debrepo
