package stdlib_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/stdlib"
	"golang.org/x/tools/txtar"
)

// TestBill: the compiler's bill lists what the target reads: the
// recipe's packages apart from the image tools cairn adds, the git commit
// and the http file, each by digest, and nothing the target does not
// reach.
func TestBill(t *testing.T) {
	ar := txtar.Parse([]byte(`-- cairn.star --
load("@cairn//distros/debian.star", "debian")
src = git("https://example.org/tool.git", commit = "0123456789abcdef0123456789abcdef01234567")
tarball = http("https://example.org/t.tar.gz", sha256 = "` + strings.Repeat("ab", 32) + `")
base = debian.rootfs(packages = ["hello"], files = [files({"opt/src": src, "opt/t.tar.gz": tarball})])
target("disk", disk(partitions = [partition(name = "root", fs = "ext4", contents = base)]))
target("other", git("https://example.org/other.git", commit = "89abcdef0123456789abcdef0123456789abcdef"))
`))
	r := evalArchive(t, ar)
	c := r.NewCompiler(stdlib.CompileOptions{Platform: amd64, Helper: fakeHelper, Epoch: 315532800, Packages: fakePackages{}})
	if _, err := c.Marshal(context.Background(), r.Target("disk").Artifact); err != nil {
		t.Fatal(err)
	}
	b := c.Bill()
	var names, tools []string
	for _, p := range b.Packages {
		names = append(names, p.Name)
	}
	for _, p := range b.Tools {
		tools = append(tools, p.Name)
	}
	if strings.Join(names, " ") != "base-files bash hello" {
		t.Errorf("packages %v", names)
	}
	if len(tools) == 0 || strings.Contains(strings.Join(tools, " "), "hello") {
		t.Errorf("tools %v", tools)
	}
	if len(b.Sources) != 2 || b.Sources[0].URI != "git+https://example.org/tool.git@0123456789abcdef0123456789abcdef01234567" ||
		b.Sources[0].Digest["gitCommit"] != "0123456789abcdef0123456789abcdef01234567" ||
		b.Sources[1].URI != "https://example.org/t.tar.gz" || b.Sources[1].Digest["sha256"] != strings.Repeat("ab", 32) {
		t.Errorf("sources %+v", b.Sources)
	}
}
