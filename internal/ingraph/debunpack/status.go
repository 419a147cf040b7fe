package debunpack

import (
	"strings"
)

// statusOrder is the order in which dpkg writes the fields it knows
// (fieldinfos in lib/dpkg/parse.c); other fields follow in control-file
// order.
var statusOrder = []string{
	"Package", "Essential", "Protected", "Status", "Priority", "Section",
	"Installed-Size", "Origin", "Maintainer", "Bugs", "Architecture",
	"Multi-Arch", "Source", "Version", "Config-Version", "Replaces",
	"Provides", "Depends", "Pre-Depends", "Recommends", "Suggests",
	"Breaks", "Conflicts", "Enhances", "Conffiles", "Filename", "Size",
	"MD5sum", "MSDOS-Filename", "Description", "Triggers-Pending",
	"Triggers-Awaited",
}

// dropped are fields dpkg knows but does not copy from a .deb's control
// file into the status entry: status-only and archive-only fields, and
// obsolete ones it remaps.
var dropped = map[string]bool{
	"status": true, "config-version": true, "conffiles": true,
	"filename": true, "size": true, "md5sum": true, "msdos-filename": true,
	"triggers-pending": true, "triggers-awaited": true,
	"recommended": true, "optional": true, "class": true, "revision": true,
	"package-revision": true, "package_revision": true,
}

// unpackedStatus is the Status value dpkg leaves after unpacking.
const unpackedStatus = "install ok unpacked"

// conffile is one line of the conffiles control member with the hash to
// record.
type conffile struct {
	Path            string
	Hash            string
	RemoveOnUpgrade bool
}

// renderStatus returns the status entry for a package: its control
// paragraph in dpkg's field order with Status and Conffiles added,
// ending with a blank line.
func renderStatus(p paragraph, conffiles []conffile) string {
	var b strings.Builder
	known := make(map[string]bool, len(statusOrder))
	for _, name := range statusOrder {
		known[strings.ToLower(name)] = true
		writeKnown(&b, p, name, conffiles)
	}
	for _, f := range p {
		if !known[strings.ToLower(f.Name)] && f.Value != "" {
			writeField(&b, f.Name, f.Value)
		}
	}
	b.WriteString("\n")
	return b.String()
}

// writeKnown writes one of dpkg's own fields if it has a value.
func writeKnown(b *strings.Builder, p paragraph, name string, conffiles []conffile) {
	lower := strings.ToLower(name)
	switch {
	case lower == "status":
		writeField(b, name, unpackedStatus)
	case lower == "conffiles":
		writeConffiles(b, conffiles)
	case dropped[lower]:
	case lower == "essential" || lower == "protected":
		if p.Get(name) == "yes" {
			writeField(b, name, "yes")
		}
	case lower == "multi-arch":
		if v := p.Get(name); v != "" && v != "no" {
			writeField(b, name, v)
		}
	default:
		if v := p.Get(name); v != "" {
			writeField(b, name, v)
		}
	}
}

// writeField writes "Name: value" and a newline; a value starting on
// the next line follows the colon directly.
func writeField(b *strings.Builder, name, value string) {
	b.WriteString(name)
	b.WriteString(":")
	if !strings.HasPrefix(value, "\n") {
		b.WriteString(" ")
	}
	b.WriteString(value)
	b.WriteString("\n")
}

// writeConffiles writes the Conffiles field, if there are any.
func writeConffiles(b *strings.Builder, conffiles []conffile) {
	if len(conffiles) == 0 {
		return
	}
	b.WriteString("Conffiles:\n")
	for _, c := range conffiles {
		b.WriteString(" " + c.Path + " " + c.Hash)
		if c.RemoveOnUpgrade {
			b.WriteString(" remove-on-upgrade")
		}
		b.WriteString("\n")
	}
}

// newConffileHash is the hash dpkg records for a conffile not yet
// installed.
const newConffileHash = "newconffile"

// parseConffiles parses the conffiles control member.
func parseConffiles(text string) ([]conffile, error) {
	var out []conffile
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, " \t\r")
		if line == "" {
			continue
		}
		c, err := parseConffileLine(line)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// parseConffileLine parses "/path" or "remove-on-upgrade /path".
func parseConffileLine(line string) (conffile, error) {
	if strings.HasPrefix(line, "/") {
		return conffile{Path: line}, nil
	}
	flag, p, _ := strings.Cut(line, " ")
	if flag != "remove-on-upgrade" || !strings.HasPrefix(p, "/") {
		return conffile{}, errConffile(line)
	}
	return conffile{Path: p, RemoveOnUpgrade: true}, nil
}
