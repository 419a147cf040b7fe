package resolve

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/testutil"
)

// aptRoot is a private apt configuration whose only source is one
// Packages index and whose dpkg status is empty, so that
// `apt-get -s install` answers what a fresh system would get. Nothing of
// the host's apt configuration is read: APT_CONFIG names our file, which
// points Dir::Etc (main file, parts, sources, preferences) into the root.
type aptRoot struct {
	dir, conf, arch string
}

// fakeURI is the source apt is told about; nothing ever contacts it, it
// only names the list file.
const fakeURI = "http://mirror.example/debian"

// newAptRoot lays out the root for arch with index linked in as the list.
func newAptRoot(t *testing.T, arch, index string) *aptRoot {
	t.Helper()
	if _, err := exec.LookPath("apt-get"); err != nil {
		t.Skip("apt-get not installed")
	}
	r := &aptRoot{dir: t.TempDir(), arch: arch}
	for _, d := range []string{"etc/apt/apt.conf.d", "etc/apt/preferences.d", "etc/apt/sources.list.d",
		"etc/apt/trusted.gpg.d", "state/lists/partial", "cache/archives/partial", "log"} {
		testutil.Must(t, os.MkdirAll(filepath.Join(r.dir, d), 0o755))
	}
	testutil.Must(t, os.WriteFile(filepath.Join(r.dir, "state/status"), nil, 0o644))
	testutil.Must(t, os.WriteFile(filepath.Join(r.dir, "etc/apt/sources.list"),
		[]byte(fmt.Sprintf("deb [trusted=yes] %s %s %s\n", fakeURI, suite, component)), 0o644))
	list := fmt.Sprintf("mirror.example_debian_dists_%s_%s_binary-%s_Packages", suite, component, arch)
	testutil.Must(t, os.Symlink(index, filepath.Join(r.dir, "state/lists", list)))
	r.conf = filepath.Join(r.dir, "apt.conf")
	testutil.Must(t, os.WriteFile(r.conf, []byte(aptConf(r.dir, arch)), 0o644))
	return r
}

// aptConf is the whole configuration apt sees.
func aptConf(dir, arch string) string {
	return fmt.Sprintf(`Dir "%s/";
Dir::Etc "etc/apt/";
Dir::Etc::main "/dev/null";
Dir::Etc::parts "apt.conf.d/";
Dir::Etc::preferences "preferences";
Dir::Etc::preferencesparts "preferences.d/";
Dir::State "state/";
Dir::State::status "%s/state/status";
Dir::Cache "cache/";
Dir::Log "log/";
APT::Architecture "%s";
APT::Architectures { "%s"; };
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Debug::NoLocking "true";
`, dir, dir, arch, arch)
}

var instLine = regexp.MustCompile(`(?m)^Inst (\S+) \((\S+) `)

// install runs `apt-get -s install --no-install-recommends names...` (or
// with recommends) and returns name -> version of the packages apt would
// install.
func (r *aptRoot) install(names []string, recommends bool) (map[string]string, error) {
	args := []string{"-s", "-q", "install", "--no-install-recommends"}
	if recommends {
		args[3] = "--install-recommends"
	}
	out, err := r.aptGet(append(args, names...))
	if err != nil {
		return nil, err
	}
	got := map[string]string{}
	for _, m := range instLine.FindAllStringSubmatch(out, -1) {
		got[strings.TrimSuffix(m[1], ":"+r.arch)] = m[2]
	}
	return got, nil
}

// aptGet runs apt-get in the root and returns its standard output.
func (r *aptRoot) aptGet(args []string) (string, error) {
	cmd := exec.Command("apt-get", args...)
	cmd.Env = append(os.Environ(), "APT_CONFIG="+r.conf, "LC_ALL=C")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("apt-get %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String(), nil
}

// addSource adds a second source, named by host, whose index is text. apt
// reads it after the first, so its packages get the highest ids.
func (r *aptRoot) addSource(t *testing.T, host, text string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(r.dir, "etc/apt/sources.list"), os.O_APPEND|os.O_WRONLY, 0)
	testutil.Must(t, err)
	_, err = fmt.Fprintf(f, "deb [trusted=yes] http://%s/debian %s %s\n", host, suite, component)
	testutil.Must(t, err)
	testutil.Must(t, f.Close())
	list := fmt.Sprintf("%s_debian_dists_%s_%s_binary-%s_Packages", host, suite, component, r.arch)
	testutil.Must(t, os.WriteFile(filepath.Join(r.dir, "state/lists", list), []byte(text), 0o644))
}

// installNames asks apt-get for the download list of an installation
// instead of a simulation: the same decisions without apt's slow install
// ordering, but only names (versions are escaped in file names).
func (r *aptRoot) installNames(names []string) (map[string]string, error) {
	out, err := r.aptGet(append([]string{"-qq", "-y", "--print-uris", "install", "--no-install-recommends"}, names...))
	if err != nil {
		return nil, err
	}
	got := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && strings.HasPrefix(f[0], "'") {
			name, _, _ := strings.Cut(f[1], "_")
			got[name] = ""
		}
	}
	return got, nil
}
