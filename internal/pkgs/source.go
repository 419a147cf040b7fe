package pkgs

import "context"

// SourcePackage is one source package as a repository's source index lists
// it, pinned by content: enough to fetch and verify its files and to know
// what building it needs, without the index. Build dependencies stay in the
// format's own syntax, because they are evaluated per architecture and
// build profile (for Debian, deb.BuildDepends) only when a build asks.
type SourcePackage struct {
	Repo    string `json:"repo"`
	Suite   string `json:"suite"`
	Name    string `json:"name"`
	Version string `json:"version"`
	// Format is the source format, e.g. "3.0 (quilt)".
	Format string `json:"format"`
	// Binaries are the binary packages it builds; Architecture the
	// architectures it builds for ("any", "all", "amd64 arm64", ...).
	Binaries     []string `json:"binaries"`
	Architecture string   `json:"architecture"`
	// PackageList is what each binary package is and builds for, as the
	// index's Package-List gives it; empty when the index has none.
	PackageList []SourceBinary `json:"package_list,omitempty"`
	// Directory is the files' directory relative to the repository root,
	// e.g. "pool/main/h/hello".
	Directory         string       `json:"directory"`
	Files             []SourceFile `json:"files"`
	BuildDepends      string       `json:"build_depends,omitempty"`
	BuildDependsArch  string       `json:"build_depends_arch,omitempty"`
	BuildDependsIndep string       `json:"build_depends_indep,omitempty"`
	// URL is the directory's URL on this machine (mirror + Directory); not
	// recorded in the lockfile.
	URL string `json:"-"`
}

// SourceBinary is one binary package a source builds: its name, its type
// ("deb", "udeb") and the architectures it builds for ("any", "all",
// "amd64 arm64", "linux-any", ...).
type SourceBinary struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Arch string `json:"arch"`
}

// SourceFile is one file of a source package.
type SourceFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// String is name=version, for messages.
func (s *SourcePackage) String() string { return s.Name + "=" + s.Version }

// Description is the file that describes the source (Debian's .dsc): the
// one whose name ends in suffix, or nil.
func (s *SourcePackage) Description(suffix string) *SourceFile {
	for i := range s.Files {
		if f := &s.Files[i]; len(f.Name) > len(suffix) && f.Name[len(f.Name)-len(suffix):] == suffix {
			return f
		}
	}
	return nil
}

// SourceRequest asks for one source package: the highest version of Name
// among Repos, or exactly Version when it is set.
type SourceRequest struct {
	Repos   []RepoSpec `json:"repos"`
	Name    string     `json:"name"`
	Version string     `json:"version,omitempty"`
	// Target is the target being built, for messages only.
	Target string `json:"-"`
}

// Key is the request's identity in the lockfile (mirrors left out, as in
// Request.Key).
func (r SourceRequest) Key() string {
	c := r
	c.Repos = withoutMirrors(r.Repos)
	return digestOf(c)
}

// SourceResolver answers source requests; implementations must be safe
// for concurrent use.
type SourceResolver interface {
	ResolveSource(ctx context.Context, req SourceRequest) (*SourcePackage, error)
}

// TreeRequest asks what a source tree at a pinned commit says of itself
// (its debian/control and changelog): the answer is a SourcePackage with
// no files, locked like one from an index.
type TreeRequest struct {
	URL    string `json:"url"`
	Commit string `json:"commit"`
	// Target is the target being built, for messages only.
	Target string `json:"-"`
}

// Key is the request's identity in the lockfile.
func (r TreeRequest) Key() string { return digestOf(r) }

// TreeResolver answers tree requests: from the lockfile, or by calling
// read, which fetches and parses the tree's files.
type TreeResolver interface {
	ResolveTree(ctx context.Context, req TreeRequest, read func(context.Context) (*SourcePackage, error)) (*SourcePackage, error)
}
