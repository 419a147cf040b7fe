package main

// A vendor ships a board as a library: a git repository of .star files at
// a signed tag. A project declares it in libraries.star and loads it as
// @acme//; cairn lock pins the tag's commit (and signer) in cairn.lock and
// keeps the library in cairn's home, so a --locked build needs the git
// server no more. A tag signed by a key the project does not trust is
// refused at the load that asked for it.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/host/gitsrc/gittest"
)

const libraryDecl = `library(name = "acme", git = git("{{url}}", ref = "{{tag}}", verify = keyring("vendor.asc"), allowed_signers = ["boards@acme.example"]))
`

const libraryRecipe = `load("@acme//boards/acme.star", "acme")
target("dev", acme.image())
`

// acmeBoard is the vendor's board file: the image TestVMSSH builds, so the
// two tests share one build in the suite's engine.
const acmeBoard = `load("//lib/system.star", "dev_image")
acme = struct(image = dev_image)
`

func TestBoardLibrary(t *testing.T) {
	c := shared(t)
	g := gittest.NewGPG(t)
	vendor := g.NewKey(t, "ACME boards <boards@acme.example>")
	intruder := g.NewKey(t, "Someone <someone@example.org>")
	repo := gittest.NewRepo(t, filepath.Join(t.TempDir(), "src"), g)
	repo.Commit(t, "boards", map[string]string{"boards/acme.star": acmeBoard, "lib/system.star": vmSSHSystem})
	repo.Tag(t, "v1.0", true, vendor)
	repo.Tag(t, "v1.0-forged", true, intruder)
	base := t.TempDir()
	repo.Serve(t, base, "boards")
	url := gittest.Daemon(t, base) + "boards.git"

	proj := newProject(t, libraryRecipe)
	recipe := filepath.Join(proj, "cairn.star")
	writeFile(t, filepath.Join(proj, "vendor.asc"), string(g.Export(t, vendor, intruder)))
	declare := func(tag string) {
		writeFile(t, filepath.Join(proj, "libraries.star"), strings.NewReplacer("{{url}}", url, "{{tag}}", tag).Replace(libraryDecl))
	}

	t.Run("refused signer", func(t *testing.T) {
		declare("v1.0-forged")
		r := c.run(t, "lock", "-f", recipe)
		if r.code == 0 || !strings.Contains(r.stderr, `cairn.star:1:1: load "@acme//boards/acme.star": library @acme: declared at `+proj+`/libraries.star:1:1`) ||
			!strings.Contains(r.stderr, "allowed_signers") {
			t.Errorf("want the load refused, naming the declaration and the signer policy; %s", r)
		}
	})

	declare("v1.0")
	r := c.ok(t, "lock", "-f", recipe)
	if !strings.Contains(r.stderr, "fetching library "+url) {
		t.Errorf("cairn lock did not say it fetched the library:\n%s", r.stderr)
	}
	lockText := readFile(t, filepath.Join(proj, "cairn.lock"))
	commit := strings.TrimSpace(repo.Git(t, "rev-parse", "v1.0^{commit}"))
	if !strings.Contains(lockText, `"url":"`+url+`","ref":"v1.0","commit":"`+commit+`"`) {
		t.Errorf("cairn.lock does not pin the library's tag to %s:\n%s", commit, lockText)
	}
	if _, err := os.Stat(filepath.Join(suite.home, "libraries", "git-"+commit+".tar")); err != nil {
		t.Errorf("the library is not kept in cairn's home: %v", err)
	}

	// The git server is gone: the locked build reads the kept library.
	if err := os.RemoveAll(base); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	c.ok(t, "build", "-f", recipe, "-o", out, "--locked", "--progress", "plain", "--secret", rootHashSecret(t), "dev")
	img := filepath.Join(out, "dev", "dev.img")
	if st, err := os.Stat(img); err != nil || st.Size() == 0 {
		t.Fatalf("no board image: %v", err)
	}
	if tab := partitions(t, img); tab.PartitionTable.Label != "gpt" || len(tab.PartitionTable.Partitions) < 2 {
		t.Errorf("want a GPT disk with boot and root partitions, got %+v", tab.PartitionTable)
	}
}
