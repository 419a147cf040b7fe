package resolve

import (
	"sort"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/pkgs"
	"github.com/cairn-build/cairn/internal/pkgs/deb"
)

// oracleCase is one request resolved by cairn and by apt-get.
type oracleCase struct {
	name       string
	install    []string // "ARCH" is replaced by the architecture
	minbase    bool     // add every Essential and every required package
	recommends bool
}

var oracleCases = []oracleCase{
	{name: "bash", install: []string{"bash"}},
	{name: "apt", install: []string{"apt"}},
	{name: "openssh-server", install: []string{"openssh-server"}},
	{name: "python3", install: []string{"python3"}},
	{name: "systemd", install: []string{"systemd"}},
	{name: "curl", install: []string{"curl", "ca-certificates"}},
	{name: "build-essential", install: []string{"build-essential"}},
	{name: "network", install: []string{"iproute2", "ifupdown", "isc-dhcp-client"}},
	{name: "sudo-vim", install: []string{"sudo", "vim"}},
	{name: "nginx", install: []string{"nginx"}},
	{name: "postgresql", install: []string{"postgresql"}},
	{name: "kernel", install: []string{"linux-image-ARCH"}},
	{name: "minbase", install: []string{"apt"}, minbase: true},
	// Two requests where following dependencies breadth first would pick
	// other packages than apt, which goes depth first.
	{name: "barman-cli", install: []string{"barman-cli"}},
	{name: "crispy-forms", install: []string{"python3-django-crispy-forms-foundation"}},
	{name: "openssh-server+recommends", install: []string{"openssh-server"}, recommends: true},
	{name: "curl+recommends", install: []string{"curl"}, recommends: true},
	{name: "python3+recommends", install: []string{"python3"}, recommends: true},
}

// knownDifferences lists, by "arch/case", the difference from apt that is
// understood and accepted, as diffSets renders it, with the reason. The
// test fails if a listed difference changes or disappears, so the table
// stays true.
var knownDifferences = map[string]struct{ diff, reason string }{}

// request turns a case into a Request for arch.
func (c oracleCase) request(arch string) Request {
	req := Request{Recommends: c.recommends}
	for _, n := range c.install {
		req.Install = append(req.Install, strings.ReplaceAll(n, "ARCH", arch))
	}
	if c.minbase {
		req.Essential, req.Priorities = true, []string{"required"}
	}
	return req
}

func TestOracleApt(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			t.Parallel()
			ix := loadIndex(t, arch)
			u := New(arch, deb.CompareVersions, ix.packages)
			root := newAptRoot(t, arch, ix.path)
			for _, c := range oracleCases {
				t.Run(c.name, func(t *testing.T) { compareWithApt(t, u, root, arch, c) })
			}
		})
	}
}

// compareWithApt resolves c with cairn and apt-get and checks the
// difference against knownDifferences.
func compareWithApt(t *testing.T, u *Universe, root *aptRoot, arch string, c oracleCase) {
	req := c.request(arch)
	_, seeds, err := u.seeds(req)
	if err != nil {
		t.Fatalf("seeds: %v", err)
	}
	var names []string
	for _, p := range seeds {
		names = append(names, p.Name)
	}
	want, err := root.install(names, req.Recommends)
	if err != nil {
		t.Fatal(err)
	}
	res, err := u.Resolve(req)
	if err != nil {
		t.Fatalf("cairn: %v", err)
	}
	diff, detail := diffSets(res.Packages, want)
	key := arch + "/" + c.name
	known, listed := knownDifferences[key]
	switch {
	case listed && diff != known.diff:
		t.Errorf("%s: known difference %q (%s) is now %q:\n%s", key, known.diff, known.reason, diff, detail)
	case !listed && diff != "":
		t.Errorf("%s: cairn and apt differ (%d vs %d packages): %s\n%s", key, len(res.Packages), len(want), diff, detail)
	}
	t.Logf("%s: %d packages", key, len(res.Packages))
}

// diffSets renders the difference between cairn's closure and apt's as
// sorted words: "+name" only cairn, "-name" only apt, "~name" versions
// differ. detail gives the versions.
func diffSets(got []*pkgs.Package, want map[string]string) (diff, detail string) {
	var words, lines []string
	seen := map[string]bool{}
	for _, p := range got {
		seen[p.Name] = true
		switch v, ok := want[p.Name]; {
		case !ok:
			words = append(words, "+"+p.Name)
			lines = append(lines, "  cairn only: "+nameVersion(p))
		case v != p.Version:
			words = append(words, "~"+p.Name)
			lines = append(lines, "  version: cairn "+nameVersion(p)+", apt "+v)
		}
	}
	for name, v := range want {
		if !seen[name] {
			words = append(words, "-"+name)
			lines = append(lines, "  apt only: "+name+"="+v)
		}
	}
	sort.Strings(words)
	sort.Strings(lines)
	return strings.Join(words, " "), strings.Join(lines, "\n")
}
