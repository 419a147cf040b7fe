package archive

import (
	"slices"
	"strings"
)

// paxXattr prefixes the PAX record of an extended attribute, as GNU tar,
// star, BuildKit and Go's archive/tar write it.
const paxXattr = "SCHILY.xattr."

// Xattr is one extended attribute of an [Entry].
type Xattr struct {
	// Name is the full name, namespace included ("security.capability").
	Name string
	// Value is the raw value, which may hold any bytes.
	Value string
}

// recordedXattr reports whether an attribute describes the tree and is
// recorded: file capabilities and the user and trusted namespaces, but
// not overlayfs's own bookkeeping. SELinux labels, IMA and EVM
// signatures and ACLs (system.*) follow the host's policy, not the tree.
func recordedXattr(name string) bool {
	switch {
	case name == "security.capability":
		return true
	case strings.HasPrefix(name, "user.overlay."), strings.HasPrefix(name, "trusted.overlay."):
		return false
	}
	return strings.HasPrefix(name, "user.") || strings.HasPrefix(name, "trusted.")
}

// splitXattrNames splits a listxattr result (NUL-terminated names) and
// keeps the recorded names, sorted.
func splitXattrNames(list []byte) []string {
	var names []string
	for _, name := range strings.Split(string(list), "\x00") {
		if recordedXattr(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}
