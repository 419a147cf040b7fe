// Package aptrepo writes a Debian archive from .deb files, inside the
// build: the layout apt reads (pool/, dists/SUITE/ with Release, InRelease,
// Release.gpg, Packages indexes and their by-hash copies), byte for byte
// the same for the same packages and epoch.
//
// It is cairn's own writer rather than dpkg-scanpackages and apt-ftparchive
// because those stamp the current time and their output order and fields
// vary with their versions; signing happens here too, with the key mounted
// as a BuildKit secret for this step only and the signature's time set to
// the epoch, so RSA and EdDSA signatures are reproducible as well.
package aptrepo
