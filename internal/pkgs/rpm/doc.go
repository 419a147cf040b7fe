// Package rpm reads RPM package metadata for cairn's second package format
// (issue 17): versions in rpm's own order first, repository metadata and
// relations next. It is deb's sibling: it fills the format-neutral model
// in internal/pkgs with RPM syntax and RPM ordering, so nothing
// RPM-specific leaks past it, and its ordering is tested against rpm's own
// (python3-rpm's labelCompare) as deb's is against dpkg.
package rpm
