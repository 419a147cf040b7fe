// Package layers holds no code, only TestLayers, which keeps cairn's import
// graph pointing one way: cmd -> frontends -> stdlib -> lang ->
// go.starlark.net, with internal/ packages as leaf utilities. The direction
// is what lets lang be tested without BuildKit, stdlib compile recipes
// without an engine, and the in-graph helper stay a small static binary, so
// it is checked by `make lint` rather than left to review.
package layers
