// Package gitsrc pins a recipe's git() sources to commits. A ref (a branch,
// a tag, the default branch) is a name that moves; a build must not. So a
// ref is resolved once, on the client, with `git ls-remote`, the answer is
// recorded in cairn.lock, and the graph handed to BuildKit names only the
// commit: BuildKit fetches that commit and nothing else, and its cache key
// is the commit.
//
// Signed tags are verified here, at resolution, not in the engine: the
// check needs the tag object (which the graph does not fetch) and cairn's
// own policy (a keyring from the project and a list of allowed signers),
// and it must say who signed what when it refuses. Once verified, the
// tag's commit is pinned like any other, and the lock records the signer's
// fingerprint. A build that uses the lock does not fetch the tag again; it
// re-checks, offline, that the recorded signer is still in the keyring and
// in allowed_signers, so narrowing the policy makes the entry stale rather
// than silently trusted. See docs/git.md for the whole trust model.
//
// Like pkgsrc for packages, a Source answers from the lock when it can,
// refuses when --locked forbids resolving, and remembers every answer so
// `cairn lock` can write them.
package gitsrc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/cairn-build/cairn/internal/pkgs/deb/debrepo"
	"github.com/moby/buildkit/util/gitutil"
)

// Request is what one git() call asks: which commit is Ref of URL, and may
// it be trusted.
type Request struct {
	URL string
	// Ref is a branch, a tag or a full ref name as the recipe wrote it;
	// "" (or "HEAD") is the remote's default branch.
	Ref string
	// Commit is the recipe's own pin; Ref must name it. "" when none.
	Commit string
	// Verify, when set, requires Ref to be an annotated tag signed by a
	// key of this keyring.
	Verify *Keyring
	// AllowedSigners narrows Verify to these keys: fingerprints
	// (upper-case hex) or e-mail addresses (lower-case), as NormalizeSigner
	// returns them. Empty allows every key of Verify.
	AllowedSigners []string
	// Auth names the build secrets that authenticate http(s) fetches.
	Auth Auth
}

// Auth names build secrets, never their values.
type Auth struct {
	// TokenSecret holds a token sent as HTTP basic auth
	// ("x-access-token:TOKEN"), as BuildKit's git source sends it.
	TokenSecret string
	// HeaderSecret holds a whole Authorization header value, e.g.
	// "Bearer TOKEN"; it wins over TokenSecret.
	HeaderSecret string
}

// Pin is the answer to a Request.
type Pin struct {
	Commit string
	// Signer is the verified tag's signer, "FINGERPRINT user id", or "".
	Signer string
}

// Resolver answers requests. It must be safe for concurrent use.
type Resolver interface {
	Resolve(ctx context.Context, req Request) (Pin, error)
}

// Keyring is a set of OpenPGP public keys read from a project file.
type Keyring struct {
	// Name is the project path it was read from, for messages.
	Name   string
	SHA256 string
	Keys   openpgp.EntityList
}

// ParseKeyring reads binary or ASCII-armored public keys.
func ParseKeyring(name string, data []byte) (*Keyring, error) {
	keys, err := debrepo.ReadKeyring(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w; want OpenPGP public keys, e.g. from `gpg --export --armor KEYID`", name, err)
	}
	sum := sha256.Sum256(data)
	return &Keyring{Name: name, SHA256: hex.EncodeToString(sum[:]), Keys: keys}, nil
}

// Fingerprints lists the primary keys' fingerprints, in file order.
func (k *Keyring) Fingerprints() []string {
	out := make([]string, len(k.Keys))
	for i, e := range k.Keys {
		out[i] = fmt.Sprintf("%X", e.PrimaryKey.Fingerprint)
	}
	return out
}

var (
	fingerprintRE = regexp.MustCompile(`^([0-9A-F]{40}|[0-9A-F]{64})$`)
	commitRE      = regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64})$`)
	refRE         = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._/+@-]*$`)
)

// NormalizeSigner turns an allowed_signers entry into the form Request
// wants: a fingerprint without spaces or "0x", upper-case, or an e-mail
// address, lower-case. Short key IDs are refused: they collide.
func NormalizeSigner(s string) (string, error) {
	if strings.Contains(s, "@") {
		e := strings.ToLower(strings.Trim(strings.TrimSpace(s), "<>"))
		if strings.ContainsAny(e, " <>") || strings.HasPrefix(e, "@") || strings.HasSuffix(e, "@") {
			return "", fmt.Errorf("got %q, want an e-mail address like \"alice@example.org\"", s)
		}
		return e, nil
	}
	f := strings.ToUpper(strings.TrimPrefix(strings.ReplaceAll(s, " ", ""), "0x"))
	if !fingerprintRE.MatchString(f) {
		return "", fmt.Errorf("got %q, want a full key fingerprint (40 or 64 hex digits; short key IDs collide) or an e-mail address", s)
	}
	return f, nil
}

// IsCommit reports whether s is a full commit id (SHA-1 or SHA-256 hex,
// lower-case).
func IsCommit(s string) bool { return commitRE.MatchString(s) }

// CheckRef rejects ref names git would not accept, or would read as an
// option or a revision expression.
func CheckRef(ref string) error {
	bad := !refRE.MatchString(ref) || strings.Contains(ref, "..") || strings.Contains(ref, "//") ||
		strings.Contains(ref, "@{") || strings.HasSuffix(ref, "/") || strings.HasSuffix(ref, ".lock") || strings.HasSuffix(ref, ".")
	if bad {
		return fmt.Errorf("got %q, want a branch, a tag or a full ref name like \"refs/tags/v1.2\"", ref)
	}
	if IsCommit(strings.ToLower(ref)) {
		return fmt.Errorf("got the commit id %q, want a branch or tag name; pin a commit with commit= instead", ref)
	}
	return nil
}

// CheckURL accepts the remote URLs BuildKit's git source fetches from:
// https://, http://, git://, ssh:// and scp-like user@host:path. A password
// in the URL is refused (it would be written into the graph and the lock),
// and so are fragments (use ref=) and local paths (the engine's
// filesystem is not the project). It returns the URL's scheme.
func CheckURL(raw string) (scheme string, err error) {
	u, err := gitutil.ParseURL(raw)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("got %q, want a remote URL: https://, http://, git://, ssh:// or user@host:path", raw)
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			return "", fmt.Errorf("got a URL with a password; put the credential in a build secret and pass auth = secret(\"NAME\") instead")
		}
	}
	if u.Opts != nil || len(u.Query) > 0 {
		return "", fmt.Errorf("got %q, want a URL without #fragment or ?query; name the ref with ref=", raw)
	}
	return u.Scheme, nil
}

// refName is the lock's name for the ref a request asks for.
func refName(ref string) string {
	if ref == "" {
		return "HEAD"
	}
	return ref
}
