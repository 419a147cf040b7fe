package stdlib

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cairn-build/cairn/recipes"
)

// Library scripts: the bundled recipe library (recipes/, loaded as
// @cairn//...) is tested in Starlark too, one script per library file,
// testdata/scripts/library/PATH testing recipes/PATH (boards/uefi.star
// tests @cairn//boards/uefi.star). They run as the builtin scripts do (see
// TestScripts), with assert, compile, targets and json, in a project that
// holds testdata/scripts/project/ and, under library/, the scripts and the
// helpers they load (files named _*.star, such as _graph.star, which reads
// compile()'s graph).

const libraryScriptDir = scriptDir + "/library"

func TestLibraryScripts(t *testing.T) {
	proj := libraryScriptProject(t)
	for _, name := range libraryScripts(t) {
		t.Run(strings.TrimSuffix(name, ".star"), func(t *testing.T) { runScript(t, proj, "library/"+name) })
	}
}

// TestLibraryScriptsCoverLibrary: every file of the bundled library has its
// script, and every script is named after a library file.
func TestLibraryScriptsCoverLibrary(t *testing.T) {
	have := map[string]bool{}
	for _, name := range libraryScripts(t) {
		have[name] = true
	}
	err := fs.WalkDir(recipes.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".star" {
			return err
		}
		if !have[p] {
			t.Errorf("library file %s has no script %s/%s", p, libraryScriptDir, p)
		}
		delete(have, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range have {
		t.Errorf("%s/%s is named after no library file", libraryScriptDir, name)
	}
}

// libraryScripts lists the library scripts, as slash paths under
// libraryScriptDir.
func libraryScripts(t *testing.T) []string {
	t.Helper()
	var names []string
	err := fs.WalkDir(os.DirFS(libraryScriptDir), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Ext(p) == ".star" && !strings.HasPrefix(path.Base(p), "_") {
			names = append(names, p)
		}
		return err
	})
	if err != nil || len(names) == 0 {
		t.Fatalf("no scripts in %s (%v)", libraryScriptDir, err)
	}
	return names
}

// libraryScriptProject holds testdata/scripts/project/ and, under library/,
// the library scripts.
func libraryScriptProject(t *testing.T) fs.FS {
	t.Helper()
	proj := fstest.MapFS{}
	add := func(dir, under string) {
		err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
			proj[path.Join(under, p)] = &fstest.MapFile{Data: data, Mode: 0o644}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	add(filepath.Join(scriptDir, "project"), ".")
	add(libraryScriptDir, "library")
	return proj
}
