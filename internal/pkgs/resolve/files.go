package resolve

import (
	"path"
	"sort"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// files answers a request that wants package files rather than a working
// system (kernels, firmware, boot loaders): the named packages, plus the
// dependencies whose names match one of req.Follow (shell patterns such
// as "linux-image-*", which lead from a kernel metapackage to the kernel),
// followed through their first alternative that has a candidate. Nothing
// else is pulled in, because nothing is configured.
func (u *Universe) files(req Request) (*Result, error) {
	_, seeds, err := u.seeds(req)
	if err != nil {
		return nil, u.withSuggestion(err)
	}
	sel := map[string]*pkgs.Package{}
	queue := seeds
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if sel[p.Name] != nil {
			continue
		}
		sel[p.Name] = p
		queue = append(queue, u.followed(p, req.Follow)...)
	}
	r := &Result{u: u}
	for _, p := range sel {
		r.Packages = append(r.Packages, p)
	}
	sort.Slice(r.Packages, func(i, j int) bool { return r.Packages[i].Name < r.Packages[j].Name })
	return r, nil
}

// followed is the candidate of each dependency of p that matches a pattern.
func (u *Universe) followed(p *pkgs.Package, patterns []string) []*pkgs.Package {
	var out []*pkgs.Package
	for _, alts := range append(append([]pkgs.Alternatives(nil), p.PreDepends...), p.Depends...) {
		for _, r := range alts {
			q := u.Candidate(r.Name)
			if q != nil && matchAny(patterns, r.Name) && u.matches(r, q) {
				out = append(out, q)
				break
			}
		}
	}
	return out
}

func matchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}
