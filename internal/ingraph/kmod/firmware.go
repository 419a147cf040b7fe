package kmod

import (
	"path"
	"slices"
	"strings"
)

// firmwareDirs are where firmware packages install, in the kernel's
// order: it only knows /lib/firmware, which merged-/usr makes the same as
// /usr/lib/firmware.
var firmwareDirs = []string{"lib/firmware", "usr/lib/firmware"}

// firmwareSuffixes are tried in turn, as by the kernel's loader with
// CONFIG_FW_LOADER_COMPRESS_ZSTD and _XZ.
var firmwareSuffixes = []string{"", ".zst", ".xz"}

// Firmware is one firmware file a selected module names.
type Firmware struct {
	// Module is the first selected module that names it.
	Module string
	// Name is the file as the module names it, relative to /lib/firmware.
	Name string
	// Path is where it was found, relative to the firmware directory:
	// Name, possibly under "updates/" or the kernel version and with a
	// compression suffix. It is empty for missing firmware.
	Path string
	host string
}

// findFirmware looks up the firmware of every selected module.
func (s *Selection) findFirmware() error {
	dirs := s.tree.firmwareDirs()
	found := map[string]bool{}
	for _, m := range s.Modules {
		info, err := s.tree.modinfo(m.Name)
		if err != nil {
			return err
		}
		for _, name := range info.firmware {
			fw := s.tree.findFirmware(dirs, m.Name, name)
			switch {
			case fw.Path == "":
				s.Missing = appendNew(s.Missing, fw)
			case !found[fw.Path]:
				found[fw.Path] = true
				s.Firmware = append(s.Firmware, fw)
			}
		}
	}
	return nil
}

// appendNew appends fw unless the list already has it.
func appendNew(list []Firmware, fw Firmware) []Firmware {
	if slices.Contains(list, fw) {
		return list
	}
	return append(list, fw)
}

// firmwareDirs returns the firmware directories present, relative to the
// root, without the second name of a merged-/usr one.
func (t *Tree) firmwareDirs() []string {
	var rels, hosts []string
	for _, d := range firmwareDirs {
		if host, ok := t.root.isDir(d); ok && !slices.Contains(hosts, host) {
			rels, hosts = append(rels, d), append(hosts, host)
		}
	}
	return rels
}

// findFirmware searches dirs for one firmware file the way the kernel
// does: each suffix in turn, each in updates/VERSION, updates, VERSION
// and the directory itself.
func (t *Tree) findFirmware(dirs []string, module, name string) Firmware {
	fw := Firmware{Module: module, Name: name}
	if !safeRel(name) {
		return fw
	}
	prefixes := []string{"updates/" + t.version + "/", "updates/", t.version + "/", ""}
	for _, suffix := range firmwareSuffixes {
		for _, prefix := range prefixes {
			for _, d := range dirs {
				if host, ok := t.root.isFile(d + "/" + prefix + name + suffix); ok {
					fw.Path, fw.host = prefix+name+suffix, host
					return fw
				}
			}
		}
	}
	return fw
}

// safeRel reports whether name is a clean relative path that stays below
// its directory.
func safeRel(name string) bool {
	return name != "" && path.Clean(name) == name && !path.IsAbs(name) &&
		name != ".." && !strings.HasPrefix(name, "../")
}

// Warning is the line mkinitramfs prints for missing firmware.
func (fw Firmware) Warning() string {
	return "W: Possible missing firmware /lib/firmware/" + fw.Name + " for module " + fw.Module
}
