// Package lang evaluates a project's Starlark recipe files.
//
// Recipes must evaluate the same way on every machine, so lang gives them a
// deterministic, sandboxed interpreter: a recipe has no access to the host
// (no clock, no environment, no file system beyond what the layer above
// chooses to expose as builtins), its load statements are confined to the
// project directory or the bundled library addressed as "@cairn//", every
// module is evaluated at most once and then frozen, and every failure
// (syntax, name resolution, load graph or runtime) is reported as an
// [Error] carrying a source position. Syntax and resolve errors of a file
// are all reported at once, so one run shows everything to fix.
//
// lang knows nothing about BuildKit or cairn's builtins: the layer above
// (package stdlib) passes them in as [Options.Predeclared].
package lang
