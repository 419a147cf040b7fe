// Package resolve turns a request ("bash", "openssh-server", every
// Essential package) into the exact closure of binary packages a root
// filesystem needs, over the format-neutral model in internal/pkgs.
//
// A recipe must name the same packages on every machine and every run, and
// they should be the packages the distribution's own tool would pick, so
// that an image built by cairn looks like one built with apt. The resolver
// therefore copies the decisions of apt's default resolver (apt 2.6,
// pkgDepCache::MarkInstall) and is checked against `apt-get -s install` on
// the real Debian indexes for amd64 and arm64, with and without
// Recommends. Versions are compared by a function the caller passes in, so
// the package never learns Debian syntax.
//
// # Candidates
//
// New keeps the packages whose Arch is the native architecture or "all".
// Others are ignored: foreign-architecture co-installation is not supported
// yet, so a relation qualified with a foreign architecture is never
// satisfied. The candidate of a name is its highest version, apt's choice
// when all sources have the same pin priority; equal versions are ordered
// by Repo, then Filename, so nothing depends on the order of the input.
// Only candidates are ever installed, as apt does by default. A request
// "name=version" makes that version the candidate, as apt-get does; a
// request for a virtual name installs its only provider and is an error if
// there are several.
//
// # Seeds and traversal
//
// The seeds are the requested names in order, then the Essential candidates
// by name, then the candidates of the requested priorities by name. Like
// apt-get, the resolver first selects every seed and then follows the
// dependencies of each seed in turn, depth first, as MarkInstall recurses:
// the clauses of a package are handled in field order (Pre-Depends,
// Depends, then Recommends when asked), and a package chosen for a clause
// has all its own dependencies resolved before the next clause. The order
// decides which alternative is already present when a later clause is met:
// for 150 random bookworm packages a breadth-first walk installed something
// else than apt for 7 of them, this walk for 1 (a provider tie, see below).
//
// A clause the selection already satisfies needs nothing; so an
// already-selected provider is always preferred. A relation is satisfied by
// a selected package of its name whose version meets it, or by a selected
// package that provides the name: an unversioned Provides only satisfies an
// unversioned relation, a versioned one ("Provides: x (= 2)") is compared
// like a real version.
//
// Otherwise the solutions are tried in apt's order: alternative by
// alternative, the candidates satisfying it, sorted as apt's
// CompareProviders sorts packages that are not installed: the package of
// the relation's own name, then Essential ones, then by Priority (missing,
// required, important, standard, optional, extra; apt ranks a missing field
// first), then the higher apt package id, then the name. apt's package id is
// the order in which its cache first met a name while reading the index;
// the resolver recomputes it over the universe read in the order in which
// the Debian archive writes indexes (see mentions), which predicts apt's
// choice for about 95% of the tied virtual packages of bookworm
// (TestOracleProviders). apt also prefers packages marked Important or
// Protected, which the model does not carry; in bookworm main that is five
// packages, and no other package provides a name one of them provides.
//
// The first solution that can be installed is taken. It cannot when one of
// its Pre-Depends or Depends has no candidate at all (apt then drops the
// candidate for the rest of the run, and so does the resolver), when it
// conflicts with the selection, or when its own dependencies fail
// recursively. A failed attempt is undone completely before the next
// solution is tried; apt keeps what the attempt pulled in, which no oracle
// case has shown to matter.
//
// # Architecture qualifiers
//
// ":any" is satisfied only by packages, or providers, that are Multi-Arch:
// allowed, as in apt, where such packages implicitly provide "name:any".
// ":native" and the native architecture's name are satisfied by any package
// of the universe, since all of them are native or "all". Another
// architecture's name is met only by Multi-Arch: foreign packages, as apt's
// implicit provides meet it: that is how a cross build's host-architecture
// build dependencies are resolved among the build architecture's packages,
// and why one that is not Multi-Arch: foreign cannot be (cairn does not
// install two architectures side by side).
//
// # Conflicts and Breaks
//
// Both are treated alike, as they are on a fresh install. A package never
// conflicts with itself, including through its own Provides; a relation on
// a virtual name matches its providers. A solution that conflicts with the
// selection, in either direction, is not installed. apt instead installs it
// and unmarks the earlier package (unless it was requested), leaving its
// problem resolver to repair the clause that had chosen it. The resolver
// gets the same outcome predictably: when the earlier package was chosen
// among several solutions of a clause, the resolution starts again with
// that choice banned, so that the clause takes its next solution and the
// later package fits; if the new attempt fails, the last closure that
// worked is the result. There are at most maxAttempts attempts. Requested
// packages are selected without checks, so the closure is checked once
// more at the end and a remaining conflict is a ConflictError.
//
// # Configure order
//
// Result.ConfigureOrder places each package after the packages that satisfy
// its Pre-Depends and Depends, taking the smallest name among the ready
// ones. When only cycles are left, the cycle (strongly connected component)
// that waits for nothing else and holds the smallest name is broken at its
// smallest name without an unmet Pre-Depends, or at its smallest name if
// every member has one.
package resolve
