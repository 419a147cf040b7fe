package debrepo

// indexPlan is one Packages index to fetch, as the Release lists it.
type indexPlan struct {
	comp, arch string
	path       string  // the file to fetch, e.g. "main/binary-amd64/Packages.gz"
	sum        FileSum // its size and hash
	// plain is the uncompressed index's sum when the Release lists it and
	// path is compressed: the decompressed data is checked against it and
	// cached under it, so later evaluations skip decompression.
	plain *FileSum
}

// SourceArch is the pseudo-architecture that selects a component's
// Sources index (comp/source/Sources) instead of a Packages index.
const SourceArch = "source"

// plainPath returns the uncompressed index's path.
func (p indexPlan) plainPath() string {
	if p.arch == SourceArch {
		return p.comp + "/source/Sources"
	}
	return p.comp + "/binary-" + p.arch + "/Packages"
}

// compressions are the index encodings, in order of preference. gzip
// comes before xz: decoding bookworm's amd64 index takes ~0.3 s from gzip
// but ~3 s from xz in pure Go, far more than the larger gzip download
// (11.5 MiB against 8.4 MiB) costs from any usable mirror.
var compressions = []string{".gz", ".xz", ""}

// plan picks, for each component and architecture, the Packages index
// the Release lists in the most preferred encoding (see compressions).
func (f *fetcher) plan(rel *Release) ([]indexPlan, error) {
	var plan []indexPlan
	for _, comp := range f.r.Components {
		for _, arch := range archesFor(f.r.Arches, rel) {
			p, ok := pickIndex(rel, comp, arch)
			if !ok {
				return nil, newMissingIndexError(f.where("Release"), comp, arch, rel)
			}
			plan = append(plan, p)
		}
	}
	return plan, nil
}

// archesFor returns the requested architectures, once each, plus "all"
// when a binary architecture is requested and the Release has arch-all
// indexes of their own (it lists "all" and does not declare
// No-Support-for-Architecture-all).
func archesFor(requested []string, rel *Release) []string {
	var out []string
	binary := false
	for _, a := range requested {
		if !hasWord(out, a) {
			out = append(out, a)
			binary = binary || a != SourceArch
		}
	}
	if binary && !rel.NoSupportForArchAll && hasWord(rel.Architectures, "all") && !hasWord(out, "all") {
		out = append(out, "all")
	}
	return out
}

// pickIndex finds comp/binary-arch/Packages in the Release.
func pickIndex(rel *Release, comp, arch string) (indexPlan, bool) {
	p := indexPlan{comp: comp, arch: arch}
	base := p.plainPath()
	for _, ext := range compressions {
		if sum, ok := rel.SHA256[base+ext]; ok {
			p.path, p.sum = base+ext, sum
			if plain, ok := rel.SHA256[base]; ok && ext != "" {
				p.plain = &plain
			}
			return p, true
		}
	}
	return indexPlan{}, false
}
