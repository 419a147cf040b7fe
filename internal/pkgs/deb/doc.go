// Package deb reads Debian control data: deb822 paragraphs (Packages and
// Release indexes, dpkg status, .sources files), relation fields, and
// versions in dpkg's order.
//
// It exists so cairn has exactly one dpkg-faithful parser. Repository
// indexes, lockfile checks and the resolver all see the same paragraphs,
// the same relations and, above all, the same version ordering; two
// slightly different readers would let the resolver pick a package the
// lockfile check later calls older. The ordering is tested against
// dpkg --compare-versions itself and the index reader against the host's
// real apt lists.
//
// The output is the format-neutral model in internal/pkgs. RPM support
// will be a sibling package filling the same model with its own syntax and
// its own version comparison, so nothing Debian-specific leaks past here.
package deb
