package pkgs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// RepoSpec is a package repository as a recipe declares it. The mirror is
// not part of it unless the recipe names one: mirrors are configuration of
// the machine that builds, so the same recipe and lockfile build anywhere.
type RepoSpec struct {
	// Type is the package format: "deb" (later "rpm").
	Type string `json:"type"`
	// Name identifies the repository in the lockfile and in --mirror NAME=URL.
	Name       string   `json:"name"`
	Suite      string   `json:"suite"`
	Components []string `json:"components"`
	// Mirror is the recipe's own URL for the repository, "" for the
	// configured one.
	Mirror string `json:"mirror,omitempty"`
	// Snapshot pins the archive to a point in time ("20250520T000000Z");
	// the configured mirror must then contain "{snapshot}".
	Snapshot string `json:"snapshot,omitempty"`
	// Keyring names the trusted keys: "" for the host's archive keyring,
	// else a project file, whose bytes are KeyringData.
	Keyring     string `json:"keyring,omitempty"`
	KeyringData []byte `json:"-"`
	// KeyringSHA256 pins KeyringData, so the lock notices a changed key.
	KeyringSHA256 string `json:"keyring_sha256,omitempty"`
	// IgnoreDate and IgnoreValidUntil turn off the checks of the
	// Release's Date and Valid-Until when its metadata is fetched (apt's
	// check-date=no and check-valid-until=no). They guard the fetch and do
	// not decide the answer, so, like Mirror, they stay out of the
	// request's key: turning one off does not invalidate a lock.
	IgnoreDate       bool `json:"-"`
	IgnoreValidUntil bool `json:"-"`
	// Candidates, when set, are the repository's packages as the recipe
	// that builds it knows them (a repository of packages built in the
	// same build, which has no index until it is built): names, versions,
	// architectures and file names, without dependencies or digests.
	// CandidatesSHA256 is their digest, so the lock notices new versions.
	Candidates       []*Package `json:"-"`
	CandidatesSHA256 string     `json:"candidates_sha256,omitempty"`
}

// Built reports whether the repository is built by the recipe itself.
func (s RepoSpec) Built() bool { return s.CandidatesSHA256 != "" }

// Request is what one rootfs() or package_files() call asks of its
// repositories for one architecture.
type Request struct {
	Repos    []RepoSpec `json:"repos"`
	Packages []string   `json:"packages"`
	// Variant chooses the base set: "none", "essential", "minbase",
	// "required", "important" or "standard" (mmdebstrap's names), or
	// "files": the named packages without dependencies except those
	// matching Follow, for their files (kernels, firmware, boot loaders).
	Variant string `json:"variant"`
	// Follow lists shell patterns of dependency names a "files" request
	// follows, e.g. "linux-image-*" from a kernel metapackage.
	Follow []string `json:"follow,omitempty"`
	Arch   string   `json:"arch"`
	// Depends are dependency clauses in the format's syntax that the
	// installed set must satisfy besides Packages, e.g. a source package's
	// evaluated build dependencies ("debhelper-compat (= 13)", "a | b").
	Depends []string `json:"depends,omitempty"`
	// HostArch, when set, makes the request a cross build's root: Arch
	// is the build architecture, and Depends clauses qualified with
	// HostArch are the host's. Those a Multi-Arch: foreign package of
	// Arch meets are met so; the others are installed for HostArch
	// (Multi-Arch: same packages only), with libc-dev and libstdc++-dev,
	// beside Arch's packages, as sbuild does.
	HostArch string `json:"host_arch,omitempty"`
	// Pos is the recipe position of the call, for messages about two
	// requests only (targets that disagree on a version). An error about
	// this request alone carries no position: the compiler positions it.
	Pos string `json:"-"`
	// Call is the builtin that made the request ("rootfs",
	// "package_files"), for messages only; "" reads as "rootfs".
	Call string `json:"-"`
	// Target is the target being built, for messages only.
	Target string `json:"-"`
}

// Key is the request's identity in the lockfile: a digest of everything
// that decides the answer, and nothing that does not (mirror URLs,
// positions).
func (r Request) Key() string {
	c := r
	c.Repos = withoutMirrors(r.Repos)
	return digestOf(c)
}

// withoutMirrors copies specs with their mirrors cleared: a mirror is the
// machine's configuration, not part of what a request asks.
func withoutMirrors(specs []RepoSpec) []RepoSpec {
	out := append([]RepoSpec(nil), specs...)
	for i := range out {
		out[i].Mirror = ""
	}
	return out
}

// digestOf is "sha256:" and the hex SHA-256 of v's JSON.
func digestOf(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Locked is one resolved package, pinned by content: everything needed to
// fetch and verify it without repository metadata.
type Locked struct {
	Repo     string `json:"repo"`
	Suite    string `json:"suite"`
	Arch     string `json:"arch"`
	Name     string `json:"name"`
	Version  string `json:"version"`
	Filename string `json:"filename"`
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
	// URL is where to fetch it from on this machine (mirror + Filename);
	// not recorded in the lockfile.
	URL string `json:"-"`
	// MultiArch is "same" for packages whose dpkg files carry ":arch".
	MultiArch string `json:"multi_arch,omitempty"`
}

// Set is the answer to a Request.
type Set struct {
	// Packages in configure order: pre-dependencies and dependencies
	// before their dependents, ties by name.
	Packages []Locked
	// Base, when not 0, says that the first Base packages are closed under
	// Pre-Depends and Depends: the variant's part of the set, installed
	// and configured as a layer of its own, with the rest configured on
	// top. 0 installs the set in one step.
	Base int
}

// Source answers requests, from a lockfile or from repositories. It must be
// safe for concurrent use.
type Source interface {
	Resolve(ctx context.Context, req Request) (*Set, error)
}
