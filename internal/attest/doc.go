// Package attest writes what a build says about its output: an SPDX 2.3
// SBOM (the packages in it, the packages and kernels cairn built for it,
// its files) and a SLSA v1 provenance statement (in-toto Statement v1:
// the output's digests, the recipe and lock as external parameters, every
// pinned input as a resolved dependency).
//
// Both are deterministic: no clock, no random IDs. A document's namespace
// derives from its content and its creation time is SOURCE_DATE_EPOCH, so
// two builds of the same inputs give the same bytes, as the outputs do.
//
// The compiler fills a Bill as it lowers a target (it knows which package
// sets, git commits and http files the target's graph reads); the CLI adds
// the output's file digests, which it already has from unpacking the
// export, and writes the documents beside the output. Nothing here reads
// an output again.
package attest
