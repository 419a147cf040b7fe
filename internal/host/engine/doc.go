// Package engine finds, starts and stops the BuildKit daemon that cairn
// solves its graphs on.
//
// The engine is embedded by default: with no --addr and no BUILDKIT_HOST,
// cairn starts its own buildkitd from the binary shipped next to it. That
// keeps the setup to "install cairn and runc": no Docker, no system daemon to
// install or configure, no shared socket in /run. The engine keeps its whole
// state (cache, snapshots, config, socket, log) in a private directory under
// the cairn home, so it never touches another BuildKit's cache and can be
// wiped with one rm -rf. Once started, the engine keeps running in its own
// session and later cairn invocations reuse it, so the cache stays warm and
// a build does not pay buildkitd's start-up time; `cairn engine stop` ends
// it. To scale out (a shared cache, a bigger machine, a cluster), point
// --addr or BUILDKIT_HOST at any buildkitd, optionally over mutual TLS; the
// package then only connects and never manages that daemon.
package engine
