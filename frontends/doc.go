// Package frontends holds cairn's one BuildKit build function. The CLI runs
// it in-process through the client's Build API, and cmd/cairn-frontend serves
// it as a gateway frontend; both produce the same graph, so they share cache.
//
// It is the only layer (with cmd) that talks to the gateway: stdlib stays a
// pure compiler from recipe values to LLB.
package frontends
