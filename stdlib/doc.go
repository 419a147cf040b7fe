// Package stdlib is cairn's standard library of Starlark builtins and the
// compiler that turns what a recipe builds into BuildKit LLB.
//
// Evaluation and compilation are separate on purpose (check, then compile, as
// HLB does). Evaluating a recipe yields immutable Artifact values that describe
// a build graph but hold no llb.State; a Compiler then lowers an artifact once
// per target platform. One evaluation therefore serves every platform of a
// multi-arch build, and the engine-specific choices (which helper binary runs
// natively on the engine, SOURCE_DATE_EPOCH) are made at compile time, not
// baked into the recipe's values.
//
// Every builtin lives in one table (builtins.go) with its documentation; the
// recipe reference in docs/ is generated from that table. Every LLB op carries
// the recipe position that created it as an llb.SourceMap location, so an
// error inside BuildKit points back at the .star line.
package stdlib
