package lock

import (
	"bytes"
	"sort"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// Source pins the answer to one source request (pkgs.SourceRequest, by
// Key): the source package's version and every file's SHA-256, and the
// build dependencies it declares, so a locked build needs no Sources index
// to know what to fetch or what its build root holds.
type Source struct {
	Key     string   `json:"key"`
	Targets []string `json:"targets"`
	pkgs.SourcePackage
}

// LookupSource returns the locked answer to a source request key.
func (f *File) LookupSource(key string) (pkgs.SourcePackage, bool) {
	if f == nil {
		return pkgs.SourcePackage{}, false
	}
	for _, s := range f.Sources {
		if s.Key == key {
			return s.SourcePackage, true
		}
	}
	return pkgs.SourcePackage{}, false
}

func sortSources(ss []Source) {
	sort.Slice(ss, func(i, j int) bool {
		if ss[i].Name != ss[j].Name {
			return ss[i].Name < ss[j].Name
		}
		return ss[i].Key < ss[j].Key
	})
	for i := range ss {
		sort.Strings(ss[i].Targets)
	}
}

// marshalSources writes the "sources" table, or nothing when there are no
// entries (lockfiles of recipes that build nothing stay as they were).
func marshalSources(b *bytes.Buffer, ss []Source) error {
	if len(ss) == 0 {
		return nil
	}
	body, err := marshal(ss, "  ")
	if err != nil {
		return err
	}
	b.WriteString("  \"sources\": ")
	b.Write(body)
	b.WriteString(",\n")
	return nil
}
