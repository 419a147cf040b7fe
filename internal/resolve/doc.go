// Package resolve turns a request ("bash", "openssh-server", every
// Essential package) into the exact closure of binary packages a root
// filesystem needs, over the format-neutral model in internal/pkgs.
//
// A recipe must name the same packages on every machine and every run, and
// the packages should be the ones the distribution's own tool would pick, so
// that images built by cairn look like images built with apt. The resolver
// therefore copies the decisions of apt's default resolver (apt 2.6,
// pkgDepCache::MarkInstall, with --no-install-recommends unless Recommends
// is asked for) and is checked against `apt-get -s install` on the real
// Debian indexes for both amd64 and arm64. Versions are compared by a
// function the caller passes in, so the package never learns Debian syntax.
//
// # Candidates
//
// New keeps the packages whose Arch is the native architecture or "all";
// others are ignored: foreign-architecture co-installation is not supported
// yet, so a relation qualified with a foreign architecture is never
// satisfied. The candidate of a name is its highest version, which is apt's
// choice when all sources have the same pin priority. Equal versions from
// several repositories are ordered by Repo, then Filename, so the choice does
// not depend on the order of the input. Only candidates are ever installed,
// as apt does by default; "name=version" in a request makes that version the
// candidate of the name, as apt-get does.
//
// # Seeds and traversal
//
// The seeds are the requested names in order, then the Essential candidates
// sorted by name, then the candidates whose Priority is requested, sorted by
// name. Like apt-get, the resolver first selects every seed and only then
// follows the dependencies of each seed in order. It follows them depth
// first, exactly as apt's MarkInstall recurses: for a package, each clause of
// Pre-Depends, then Depends (then Recommends) is handled in field order, and
// a newly chosen package has all its own dependencies resolved before the
// next clause of its parent is looked at. (The order matters because it
// decides which alternative is already present when a later clause is met;
// a breadth-first walk picks different providers than apt in real indexes.)
//
// A clause already satisfied by the selection needs nothing. A relation is
// satisfied by a selected package of that name whose version meets it, or by
// a selected package that provides the name: an unversioned Provides only
// satisfies an unversioned relation, a versioned one ("Provides: x (= 2)")
// is compared like a real version.
//
// Otherwise the possible solutions are listed in apt's order: for each
// alternative in turn, the candidates that satisfy it, sorted as apt's
// CompareProviders sorts them for a fresh install: the package whose name is
// the relation's name first, then Essential packages, then by Priority
// (missing, required, important, standard, optional, extra - a package
// without a Priority field comes first, as in apt). apt breaks the last tie
// by its internal package id, the order in which its cache first met each
// name while reading the index, and prefers the higher id. That order
// depends on the index file; the resolver recomputes it over the universe
// read in the order the Debian archive writes indexes (by source package,
// then name), which agrees with apt for about 95% of tied virtual packages
// in bookworm (TestOracleProviders measures it), and finally falls back to
// the name. The first solution that can be installed is taken. A solution cannot be installed when one of its
// Pre-Depends or Depends has no candidate at all (apt then drops the
// candidate for the rest of the run, and so does this package), when it
// conflicts with the selection, or when its own dependencies fail
// recursively; a failed attempt is undone completely before the next
// solution is tried (apt keeps what the attempt pulled in; cleaner here, and
// no oracle case depends on it).
//
// # Architecture qualifiers
//
// ":any" is satisfied only by packages (or providers) that are
// Multi-Arch: allowed, as in apt, where such packages implicitly provide
// "name:any". ":native" and the native architecture's name are satisfied by
// any package of the universe, since all of them are native or "all".
//
// # Conflicts and Breaks
//
// Both are treated alike, as they are on a fresh install. A package never
// conflicts with itself, including through its own Provides; a relation on a
// virtual name matches its providers. A solution that conflicts with the
// selection, in either direction, is skipped and the next one tried. apt
// instead removes an earlier, automatically chosen package and lets its
// problem resolver repair the damage; skipping is the predictable form of
// the same outcome. If a required package is then blocked by an earlier
// choice among alternatives, that choice is banned and the resolution starts
// again, at most maxAttempts times. After the closure every pair is checked
// once more (requested packages are selected without checks) and a
// remaining conflict is a ConflictError.
//
// # Configure order
//
// Result.ConfigureOrder lists packages so that each one comes after what
// satisfies its Pre-Depends and Depends, choosing the smallest name among the
// ready ones. A cycle is broken by taking, among the packages still waiting,
// the smallest name whose unmet edges are all Depends; only if every waiting
// package still has an unmet Pre-Depends is the smallest name taken.
package resolve
