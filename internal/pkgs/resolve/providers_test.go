package resolve

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb"
)

// minProviderAgreement is the share of tied virtual packages for which
// cairn must install the same provider as apt.
const minProviderAgreement = 0.90

// TestOracleProviders measures the provider rule where it is hardest: for
// every virtual package of bookworm main (amd64) whose best candidates tie
// on everything but apt's internal package id, a probe package depends on
// it, and cairn and apt-get install the probes in batches (apt-get only
// lists the downloads, which skips its slow install ordering). The share of
// probes for which both install the same provider is logged and must stay
// above minProviderAgreement; probes for which apt installs several of the
// tied providers (another probe pulled one) are not counted.
func TestOracleProviders(t *testing.T) {
	t.Parallel()
	const arch, batch = "amd64", 50
	ix := loadIndex(t, arch)
	ties := tiedVirtuals(New(arch, deb.CompareVersions, ix.packages))
	probes, text := probePackages(ties)
	u := New(arch, deb.CompareVersions, append(append([]*pkgs.Package(nil), ix.packages...), probes...))
	root := newAptRoot(t, arch, ix.path)
	root.addSource(t, "probe.example", text)
	same, counted := 0, 0
	for start := 0; start < len(ties); start += batch {
		end := min(start+batch, len(ties))
		var req []string
		for _, p := range probes[start:end] {
			req = append(req, p.Name)
		}
		want, err := root.installNames(req)
		if err != nil {
			t.Fatal(err)
		}
		res, err := u.Resolve(Request{Install: req})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, p := range res.Packages {
			got[p.Name] = p.Version
		}
		for _, tie := range ties[start:end] {
			a, b := tie.chosen(want), tie.chosen(got)
			if len(a) != 1 {
				continue
			}
			counted++
			if len(b) == 1 && a[0] == b[0] {
				same++
			} else {
				t.Logf("%s: apt %s, cairn %s", tie.name, a, b)
			}
		}
	}
	share := float64(same) / float64(max(counted, 1))
	t.Logf("same provider as apt for %d of %d tied virtual packages (%.1f%%)", same, counted, 100*share)
	if share < minProviderAgreement {
		t.Errorf("agreement %.1f%% is below %.0f%%", 100*share, 100*minProviderAgreement)
	}
}

// tie is a virtual package whose best candidates differ only in apt's id.
type tie struct {
	name      string
	providers []string
}

// chosen lists the tied providers present in an installation.
func (t tie) chosen(installed map[string]string) []string {
	var out []string
	for _, p := range t.providers {
		if _, ok := installed[p]; ok {
			out = append(out, p)
		}
	}
	return out
}

// tiedVirtuals finds the virtual names whose first solutions tie on
// Essential and Priority.
func tiedVirtuals(u *Universe) []tie {
	s := newSolver(u, false, nil, nil)
	var out []tie
	for _, name := range u.everyName() {
		if u.versions[name] != nil {
			continue
		}
		sols := s.relationSolutions(pkgs.Relation{Name: name})
		var top []string
		for _, p := range sols {
			if p.Essential == sols[0].Essential && priorityRank(p.Priority) == priorityRank(sols[0].Priority) {
				top = append(top, p.Name)
			}
		}
		if len(top) > 1 {
			out = append(out, tie{name, top})
		}
	}
	return out
}

// probePackages makes one package depending on each tied name, as model
// packages and as a Packages index for apt.
func probePackages(ties []tie) ([]*pkgs.Package, string) {
	var ps []*pkgs.Package
	var b strings.Builder
	for i, tie := range ties {
		name := fmt.Sprintf("cairn-probe-%d", i)
		ps = append(ps, &pkgs.Package{Name: name, Version: "1", Arch: "amd64", Repo: "probe",
			Depends: []pkgs.Alternatives{{{Name: tie.name}}}})
		fmt.Fprintf(&b, "Package: %s\nVersion: 1\nArchitecture: amd64\nDepends: %s\nFilename: pool/%s_1_amd64.deb\nSize: 1\n\n",
			name, tie.name, name)
	}
	return ps, b.String()
}
