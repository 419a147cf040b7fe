// Package frontends holds cairn's one BuildKit build function and the one
// options type both front doors fill. The CLI (internal/host/cli) runs
// Build in-process through the client's Build API, and the gateway
// frontend (frontends/gateway, served by cmd/cairn-frontend) runs it
// inside the engine; both parse their settings into Options with the same
// parsers and produce the same graph, so they share cache.
//
// It is the only layer (with cmd and the CLI) that talks to the gateway:
// stdlib stays a pure compiler from recipe values to LLB.
package frontends
