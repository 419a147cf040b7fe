// Package gateway is cairn's BuildKit gateway frontend: what only a build
// driven through BuildKit (buildctl, docker buildx, a `# syntax=` line)
// needs on top of frontends.Build. It reads the build's options from
// BuildKit's opts with the parsers the CLI uses for its flags, reads the
// recipe and project from the client's session locals, answers rootfs()
// from cairn.lock alone, builds named contexts from BuildKit sources, and
// inlines the helper binary the CLI serves as a local, so the graph, and
// the cache, are `cairn build`'s.
//
// The split follows BuildKit's own: frontends is the shared build function
// (dockerfile2llb), this package the frontend around it
// (dockerfile/builder), and cmd/cairn-frontend the thin main
// (cmd/dockerfile-frontend). Nothing but cmd/cairn-frontend imports it.
package gateway
