package why

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
)

// graph is a small target: a package fetched at line 3, a local tree
// at line 5, and a command at line 7 that reads both.
func graph(t *testing.T, version, arg string) *llb.Definition {
	t.Helper()
	sm := llb.NewSourceMap(nil, "cairn.star", "Starlark", []byte("recipe"))
	at := func(line int32) llb.ConstraintsOpt {
		return sm.Location([]*pb.Range{{Start: &pb.Position{Line: line}, End: &pb.Position{Line: line}}})
	}
	deb := llb.HTTP("http://mirror.test/debian/pool/main/o/openssl/openssl_"+version+"_amd64.deb",
		llb.Checksum(digest.FromString(version)), llb.WithCustomName("openssl"), at(3))
	tree := llb.Local("context", llb.IncludePatterns([]string{"overlay"}), llb.WithCustomName("local overlay"), at(5))
	st := llb.Scratch().Run(llb.Args([]string{"/bin/install", arg}), llb.AddMount("/deb", deb), llb.AddMount("/overlay", tree),
		llb.WithCustomName("install"), at(7)).Root()
	st = st.File(llb.Mkdir("/x", 0o755), llb.WithCustomName("after"), at(9))
	def, err := st.Marshal(context.Background(), llb.LocalUniqueID("cairn"))
	if err != nil {
		t.Fatal(err)
	}
	return def
}

func record(t *testing.T, def *llb.Definition, dir string) *Record {
	t.Helper()
	r, err := FromDefs(context.Background(), "image", []*llb.Definition{def}, Options{
		LocalDir: func(name string) string { return dir },
		Ran:      func(string) bool { return true },
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestExplain(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "overlay", "etc"), 0o755)
	os.WriteFile(filepath.Join(dir, "overlay", "etc", "motd"), []byte("hi\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "elsewhere"), []byte("not sent\n"), 0o644)
	lock := LockText("cairn.lock", "[[packages]]\nname = \"openssl\"\nfilename = \"openssl_3.0.17-1_amd64.deb\"\n")

	first := record(t, graph(t, "3.0.15-1", "--quiet"), dir)
	same := record(t, graph(t, "3.0.15-1", "--quiet"), dir)
	if r := Explain(first, same, lock); r.Changed != 0 || len(r.Causes) != 1 || r.Causes[0].Kind != "cache" {
		t.Errorf("an unchanged graph that ran: %+v", r)
	}

	// A package pin.
	r := Explain(first, record(t, graph(t, "3.0.17-1", "--quiet"), dir), lock)
	if len(r.Causes) != 1 {
		t.Fatalf("package change: %+v", r)
	}
	c := r.Causes[0]
	if c.At != "cairn.star:3" || c.What[0] != "package openssl changed 3.0.15-1 -> 3.0.17-1 (cairn.lock:3)" || c.Below != 2 {
		t.Errorf("package change: %+v", c)
	}
	if got := r.First(); got != "cairn.star:3 (package openssl changed 3.0.15-1 -> 3.0.17-1 (cairn.lock:3))" {
		t.Errorf("First() = %q", got)
	}

	// A command's argument.
	r = Explain(first, record(t, graph(t, "3.0.15-1", "--verbose"), dir), lock)
	if len(r.Causes) != 1 || r.Causes[0].At != "cairn.star:7" || !strings.Contains(r.Causes[0].What[0], "--quiet -> --verbose") || r.Causes[0].Below != 1 {
		t.Errorf("argument change: %+v", r.Causes)
	}

	// A file of the local tree; a file outside what it sends is no cause.
	time.Sleep(10 * time.Millisecond)
	os.WriteFile(filepath.Join(dir, "overlay", "etc", "motd"), []byte("hello\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "overlay", "etc", "issue"), []byte("x\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "elsewhere"), []byte("changed\n"), 0o644)
	r = Explain(first, record(t, graph(t, "3.0.15-1", "--quiet"), dir), lock)
	if len(r.Causes) != 1 {
		t.Fatalf("local change: %+v", r.Causes)
	}
	c = r.Causes[0]
	if c.Kind != "local" || c.At != "cairn.star:5" || strings.Join(c.What, "; ") != "modified overlay/etc/motd; added overlay/etc/issue" || c.Below != 2 {
		t.Errorf("local change: %+v", c)
	}
	var b bytes.Buffer
	r.Text(&b)
	if !strings.Contains(b.String(), `└─ cairn.star:5: the files of "local overlay" changed`) {
		t.Errorf("text:\n%s", b.String())
	}

	// Records survive a round trip, the earlier one kept.
	p := filepath.Join(t.TempDir(), "why", "image.json")
	if err := first.Write(p, p+".prev"); err != nil {
		t.Fatal(err)
	}
	if err := same.Write(p, p+".prev"); err != nil {
		t.Fatal(err)
	}
	a, err1 := Read(p + ".prev")
	b2, err2 := Read(p)
	if err1 != nil || err2 != nil || len(a.Steps) != len(first.Steps) || len(b2.Steps) != len(same.Steps) {
		t.Fatalf("round trip: %v %v", err1, err2)
	}
}
