package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/cairn-build/cairn/internal/attest"
	"github.com/cairn-build/cairn/internal/host/helperbin"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Each output gets two documents beside its build record:
// <out>/<target>.spdx.json (SPDX 2.3) and <out>/<target>.provenance.json
// (SLSA v1 provenance in an in-toto Statement v1). See docs/provenance.md.
const (
	sbomSuffix       = ".spdx.json"
	provenanceSuffix = ".provenance.json"
)

// inputs are the project files the provenance names as external
// parameters, by path and SHA-256.
type inputs struct {
	recipe, recipeSum string
	lock, lockSum     string
}

func readInputs(recipeFile, projectDir string) (inputs, error) {
	if abs, err := filepath.Abs(recipeFile); err == nil {
		recipeFile = abs
	}
	in := inputs{recipe: filepath.Base(recipeFile)}
	if rel, err := filepath.Rel(projectDir, recipeFile); err == nil && !strings.HasPrefix(rel, "..") {
		in.recipe = filepath.ToSlash(rel)
	}
	var err error
	if in.recipeSum, err = fileSHA256(recipeFile); err != nil {
		return in, fmt.Errorf("recipe: %w", err)
	}
	if sum, err := fileSHA256(filepath.Join(projectDir, "cairn.lock")); err == nil {
		in.lock, in.lockSum = "cairn.lock", sum
	}
	return in, nil
}

func fileSHA256(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:]), nil
}

// bills gathers what each platform's graph reads (frontends.Request.Bill).
type bills struct {
	mu  sync.Mutex
	all []*attest.Bill
}

func (b *bills) add(_ ocispecs.Platform, x *attest.Bill) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.all = append(b.all, x)
}

func (b *bills) merged() *attest.Bill {
	b.mu.Lock()
	defer b.mu.Unlock()
	return attest.Merge(b.all...)
}

// documents are a target's SBOM and provenance, ready to be written.
type documents struct {
	sbom, provenance []byte
	// envelopes are both signed (DSSE, a line each), when the target
	// asks for it.
	envelopes []byte
}

// attestations writes the documents of res from the bill and the output's
// file index (the SHA-256 of each regular file, taken while unpacking).
func (b *buildPlan) attestations(res *targetResult, bill *attest.Bill) (documents, error) {
	files := outputFiles(res)
	sbom, err := attest.SPDX(res.Target, b.opts.Epoch, bill, files)
	if err != nil {
		return documents{}, fmt.Errorf("SBOM of %s: %w", res.Target, err)
	}
	in := b.inputs
	run := attest.Run{Target: res.Target, Platforms: res.Platforms, Recipe: in.recipe, RecipeSHA256: in.recipeSum,
		Lock: in.lock, LockSHA256: in.lockSum, Epoch: int64(b.opts.Epoch), Versions: builderVersions()}
	prov, err := attest.Provenance(run, bill, files)
	if err != nil {
		return documents{}, fmt.Errorf("provenance of %s: %w", res.Target, err)
	}
	return documents{sbom: sbom, provenance: prov}, nil
}

// outputFiles are the output's regular files; an output with none is
// named by its tree digest, so the statement still has a subject.
func outputFiles(res *targetResult) []attest.File {
	var files []attest.File
	for rel, st := range res.Files {
		if st.Sum != "" {
			files = append(files, attest.File{Path: rel, SHA256: st.Sum})
		}
	}
	if len(files) == 0 {
		files = append(files, attest.File{Path: res.Target + "/", SHA256: strings.TrimPrefix(res.Digest, "sha256:")})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files
}

// builderVersions names cairn, BuildKit and the helpers that ran.
func builderVersions() map[string]string {
	v := map[string]string{"cairn": Version, "buildkit": moduleVersion("github.com/moby/buildkit")}
	for _, arch := range []string{"amd64", "arm64"} {
		if helperbin.For(arch) != nil {
			v["helper-linux-"+arch] = helperbin.Digest(arch).String()
		}
	}
	return v
}

// write puts the documents beside the output, each replaced whole.
func (d documents) write(root, target string) error {
	for suffix, data := range map[string][]byte{sbomSuffix: d.sbom, provenanceSuffix: d.provenance, envelopeSuffix: d.envelopes} {
		path := filepath.Join(root, target+suffix)
		if data == nil {
			// Unsigned now: envelopes of an earlier build would vouch
			// for another output.
			if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("removing %s: %w", path, err)
			}
			continue
		}
		if err := os.WriteFile(path+".tmp", data, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		if err := os.Rename(path+".tmp", path); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return nil
}

// haveDocuments says the documents of a target are there, the envelopes
// too when it is signed (an up-to-date output without them is built
// again).
func haveDocuments(root, target string, signed bool) bool {
	suffixes := []string{sbomSuffix, provenanceSuffix}
	if signed {
		suffixes = append(suffixes, envelopeSuffix)
	}
	for _, suffix := range suffixes {
		if _, err := os.Stat(filepath.Join(root, target+suffix)); err != nil {
			return false
		}
	}
	return true
}
