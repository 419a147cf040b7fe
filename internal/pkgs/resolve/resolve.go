package resolve

import (
	"sort"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs"
)

// maxAttempts bounds how often a resolution restarts with one more earlier
// choice banned after a conflict.
const maxAttempts = 16

// Request says what to install.
type Request struct {
	// Install names packages, optionally as "name=version" (then exactly
	// that version, or an error). Order matters: it is the order in which
	// dependencies are followed, as on apt-get's command line.
	Install []string
	// Essential also installs every candidate with Essential: yes.
	Essential bool
	// Priorities also installs every candidate whose Priority is listed
	// (e.g. "required").
	Priorities []string
	// Recommends follows Recommends, as apt does without
	// --no-install-recommends.
	Recommends bool
	// FilesOnly asks for the Install packages alone, without their
	// dependencies, except those whose names match a pattern in Follow:
	// package files to take apart rather than a system to configure.
	FilesOnly bool
	Follow    []string
}

// Result is the closure of a request.
type Result struct {
	// Packages is the closure, sorted by Name.
	Packages []*pkgs.Package

	u *Universe
}

// Resolve computes the closure of req. The errors are *UnsatisfiedError and
// *ConflictError.
func (u *Universe) Resolve(req Request) (*Result, error) {
	if req.FilesOnly {
		return u.files(req)
	}
	override, seeds, err := u.seeds(req)
	if err != nil {
		return nil, u.withSuggestion(err)
	}
	banned := map[choice]error{}
	var good *Result
	for attempt := 1; ; attempt++ {
		s := newSolver(u, req.Recommends, override, banned)
		err := s.run(seeds)
		if err != nil && good != nil {
			return good, nil // the last ban made things worse
		}
		if err == nil {
			good = s.result()
		}
		if s.blocked == nil || attempt == maxAttempts {
			if err != nil {
				return nil, u.withSuggestion(err)
			}
			return good, nil
		}
		banned[*s.blocked] = s.blockedBy
	}
}

// result collects the selection, sorted by name.
func (s *solver) result() *Result {
	r := &Result{u: s.u}
	for _, name := range s.journal {
		r.Packages = append(r.Packages, s.sel[name])
	}
	sort.Slice(r.Packages, func(i, j int) bool { return r.Packages[i].Name < r.Packages[j].Name })
	return r
}

// seeds lists the packages to select first, in order: the requested ones,
// then Essential candidates by name, then candidates of the requested
// priorities by name. It also returns the candidates that name=version
// requests replace.
func (u *Universe) seeds(req Request) (map[string]*pkgs.Package, []*pkgs.Package, error) {
	override := map[string]*pkgs.Package{}
	var seeds []*pkgs.Package
	picked := map[string]*pkgs.Package{}
	for _, item := range req.Install {
		p, err := u.requested(item, override)
		if err != nil {
			return nil, nil, err
		}
		if have := picked[p.Name]; have != nil && have != p {
			return nil, nil, errDuplicate(item, have)
		} else if have == nil {
			picked[p.Name] = p
			seeds = append(seeds, p)
		}
	}
	for _, p := range u.implied(req, override) {
		if picked[p.Name] == nil {
			picked[p.Name] = p
			seeds = append(seeds, p)
		}
	}
	return override, seeds, nil
}

// implied lists the Essential candidates, then the candidates of the
// requested priorities, each by name.
func (u *Universe) implied(req Request, override map[string]*pkgs.Package) []*pkgs.Package {
	var ess, prio []*pkgs.Package
	for _, name := range u.names {
		p := override[name]
		if p == nil {
			p = u.Candidate(name)
		}
		if req.Essential && p.Essential {
			ess = append(ess, p)
		}
		if containsString(req.Priorities, p.Priority) {
			prio = append(prio, p)
		}
	}
	return append(ess, prio...)
}

// requested finds the package for one Install entry ("name", "name=version",
// "name:arch" with the native architecture), recording the candidate a
// name=version entry chooses.
func (u *Universe) requested(item string, override map[string]*pkgs.Package) (*pkgs.Package, error) {
	name, version, pinned := strings.Cut(item, "=")
	s := newSolver(u, false, override, nil)
	if base, qual, ok := strings.Cut(name, ":"); ok {
		if u.foreign(qual) {
			return nil, s.unsatisfied(nil, pkgs.Alternatives{{Name: base, Arch: qual}})
		}
		name = base
	}
	if pinned {
		p := u.version(name, version)
		if p == nil {
			return nil, s.unsatisfied(nil, pkgs.Alternatives{{Name: name, Op: "=", Version: version}})
		}
		override[name] = p
		return p, nil
	}
	if p := u.Candidate(name); p != nil {
		return p, nil
	}
	switch provs := s.candidateProviders(name); len(provs) {
	case 0:
		return nil, s.unsatisfied(nil, pkgs.Alternatives{{Name: name}})
	case 1:
		return provs[0], nil
	default:
		return nil, errAmbiguous(item, name, provs, repoOf(provs, u.repoList()))
	}
}
