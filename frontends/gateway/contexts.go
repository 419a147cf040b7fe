package gateway

import (
	"fmt"
	"strings"

	"github.com/cairn-build/cairn/stdlib"
	"github.com/moby/buildkit/client/llb"
	digest "github.com/opencontainers/go-digest"
)

// A recipe's context(NAME) reads BuildKit's named context NAME, given as
// `--opt context:NAME=SOURCE`. The frontend builds the source itself rather
// than through the Dockerfile frontend's helper (frontend/dockerui), which
// would bring that frontend's option parsing and its .dockerignore rules:
// a local context is the directory the client serves, file for file, as
// `cairn build --context NAME=DIR` serves it.

// contextForms lists the sources a named context may be, for messages.
const contextForms = "local:LOCALNAME (with --local LOCALNAME=DIR), oci-layout://STORE@sha256:DIGEST (with --oci-layout STORE=DIR) or docker-image://REF"

// setContext records context:NAME=SOURCE after checking both halves. The
// named context BuildKit used to load this frontend is not the recipe's.
func (o *options) setContext(name, value, source string) error {
	if isFrontendSource(name, source) {
		return nil
	}
	if !stdlib.ValidContextName(name) {
		return fmt.Errorf("--opt context:%s: want a context name like \"site\" (lower-case letters, digits, \".\", \"_\", \"-\"; no ::PLATFORM suffix), as the recipe's context() names it", name)
	}
	if _, err := contextState(name, value, ""); err != nil {
		return err
	}
	o.contexts[name] = value
	return nil
}

// isFrontendSource reports the named context of the frontend image itself
// (an OCI layout, say), which BuildKit passes along to the frontend.
func isFrontendSource(name, source string) bool {
	base, _, _ := strings.Cut(name, "::")
	return source != "" && (base == source || strings.TrimSuffix(base, ":latest") == strings.TrimSuffix(source, ":latest"))
}

// contextStates turns the recorded contexts into states for the compiler.
func (o *options) contextStates(sessionID string) (map[string]llb.State, error) {
	out := make(map[string]llb.State, len(o.contexts))
	for name, v := range o.contexts {
		st, err := contextState(name, v, sessionID)
		if err != nil {
			return nil, err
		}
		out[name] = st
	}
	return out, nil
}

// contextState is the state of one named context source.
func contextState(name, v, sessionID string) (llb.State, error) {
	desc := llb.WithCustomName("context " + name)
	scheme, rest, _ := strings.Cut(v, ":")
	switch scheme {
	case "local":
		if rest == "" || strings.ContainsAny(rest, "/ ") {
			break
		}
		// No session ID: like the project local, it is read from the
		// build's own session, and the graph stays the CLI's.
		return llb.Local(rest, llb.SharedKeyHint(rest), desc), nil
	case "oci-layout":
		return ociLayoutContext(name, v, strings.TrimPrefix(rest, "//"), sessionID, desc)
	case "docker-image":
		ref := strings.TrimPrefix(rest, "//")
		if ref == "" || strings.ContainsAny(ref, " \t") {
			return llb.State{}, fmt.Errorf("--opt context:%s=%q: want docker-image://REF, REF an image reference", name, v)
		}
		return llb.Image(ref, desc), nil
	}
	return llb.State{}, fmt.Errorf("--opt context:%s=%q: cairn reads a named context from %s", name, v, contextForms)
}

// ociLayoutContext reads STORE@sha256:DIGEST (STORE as in buildctl's
// --oci-layout STORE=DIR): an image in the client's OCI layout, pinned.
func ociLayoutContext(name, v, ref, sessionID string, desc llb.ConstraintsOpt) (llb.State, error) {
	named, dgst, ok := strings.Cut(ref, "@")
	store, _, _ := strings.Cut(named, ":")
	if !ok || store == "" || digest.Digest(dgst).Validate() != nil {
		return llb.State{}, fmt.Errorf("--opt context:%s=%q: want oci-layout://STORE@sha256:DIGEST, pinned by digest, with --oci-layout STORE=DIR", name, v)
	}
	return llb.OCILayout(store+"@"+dgst, llb.OCIStore(sessionID, store), desc), nil
}
