package kmod

import (
	"errors"
	"fmt"
	"strings"
)

// errNoModinfo is a module file without a .modinfo section.
var errNoModinfo = errors.New("no .modinfo section: not a Linux kernel module")

// errResolve adds the path being resolved to err.
func errResolve(rel string, err error) error {
	return fmt.Errorf("resolve %s: %w", rel, err)
}

// errNoVersion reports a requested kernel version that is not there.
func errNoVersion(root, version string, found []string) error {
	return fmt.Errorf("no modules for kernel %s in %s (looked in %s); found: %s",
		version, root, strings.Join(moduleDirs, " and "), listOrNone(found))
}

// errPickVersion reports zero or several kernel versions when none was
// asked for.
func errPickVersion(root string, found []string) error {
	if len(found) == 0 {
		return fmt.Errorf("no kernel modules in %s: expected %s/VERSION from an unpacked linux-image package",
			root, strings.Join(moduleDirs, " or "))
	}
	return fmt.Errorf("%s holds modules of several kernels (%s): choose one with kernel_version",
		root, strings.Join(found, ", "))
}

// listOrNone joins names or says "none".
func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// errUnknown reports a name that is no module, built-in module or alias.
func errUnknown(name, dir string, near []string) error {
	return fmt.Errorf("unknown kernel module %q in %s: no module file, built-in module or alias of that name; nearest: %s",
		name, dir, listOrNone(near))
}

// errMissingDep reports a dependency absent from the tree.
func errMissingDep(name, dep, dir string) error {
	return fmt.Errorf("module %s depends on %s, which is neither a module file nor built in under %s: is the kernel package complete?",
		name, dep, dir)
}

// errModule adds a module's name and path to err.
func errModule(name, rel string, err error) error {
	return fmt.Errorf("module %s (%s): %w", name, rel, err)
}

// errOutNotEmpty reports an output directory with something in it.
func errOutNotEmpty(out string) error {
	return fmt.Errorf("output directory %s is not empty: kmods writes a fresh tree, give it a new or empty directory", out)
}
