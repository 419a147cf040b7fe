package gitsrc

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cairn-build/cairn/internal/pkgs/lock"
)

// Error constructors, one per kind. They name neither the recipe position
// nor git(): the compiler puts "POS: git: " in front (stdlib.Error).

// errNoRef reports a ref the remote does not list.
func errNoRef(req Request, ref string) error {
	return fmt.Errorf("%s has no branch or tag %q; check ref= (a full name like \"refs/tags/v1.2\" also works)", req.URL, ref)
}

// errAmbiguousRef reports a short name that is both a branch and a tag.
func errAmbiguousRef(req Request, ref string) error {
	return fmt.Errorf("%q of %s is both a branch and a tag; say which: ref = \"refs/heads/%s\" or ref = \"refs/tags/%s\"", ref, req.URL, ref, ref)
}

// errGitFailed reports a git command that failed, with git's own words.
func errGitFailed(req Request, args []string, err error, stderr string) error {
	if len(args) > 2 && args[0] == "--git-dir" {
		args = args[2:]
	}
	msg := strings.TrimSpace(stderr)
	if msg == "" {
		msg = "(no output)"
	}
	return fmt.Errorf("`git %s` failed (%w): %s; if the repository is private, pass auth = secret(\"NAME\") and --secret id=NAME,... for http(s), or forward an SSH agent for ssh",
		strings.Join(args, " "), err, msg)
}

// errNotTag reports verify= on a ref that is not a tag.
func errNotTag(req Request, r remoteRef) error {
	return fmt.Errorf("verify= checks a signed tag, but %q of %s is %s; name a tag in ref=", refName(req.Ref), req.URL, r.name)
}

// errTag reports a tag that does not pass verification; msg either
// continues the sentence ("is not signed") or follows a colon.
func errTag(req Request, r remoteRef, msg string) error {
	sep := ": "
	if strings.HasPrefix(msg, "is ") {
		sep = " "
	}
	return fmt.Errorf("tag %s of %s%s%s", strings.TrimPrefix(r.name, "refs/tags/"), req.URL, sep, msg)
}

// errNotAllowed reports a good signature by a key allowed_signers lacks.
func errNotAllowed(req Request, r remoteRef, signer string) error {
	fpr, uid, _ := strings.Cut(signer, " ")
	if uid != "" {
		fpr += " (" + uid + ")"
	}
	return errTag(req, r, fmt.Sprintf("is signed by %s, which is not in allowed_signers %s", fpr, quoteList(req.AllowedSigners)))
}

// errCommitMismatch reports a ref that does not name the recipe's commit.
func errCommitMismatch(req Request, r remoteRef) error {
	return fmt.Errorf("%s of %s is commit %s, but the recipe says commit = %q; fix commit= or ref=, or drop one of them",
		r.name, req.URL, r.commit, req.Commit)
}

// errNotLocked reports a ref --locked forbids resolving.
func errNotLocked(req Request, ref, stale string) error {
	why := "cairn.lock does not pin it"
	if stale != "" {
		why = "cairn.lock's entry no longer fits the recipe: " + stale
	}
	return fmt.Errorf("ref %q of %s: %s; run `cairn lock` and commit cairn.lock, or build without --locked", ref, req.URL, why)
}

// errSplit reports two calls of one ref that ended with different commits.
func errSplit(e lock.Git, other string) error {
	return fmt.Errorf("ref %q of %s is pinned to both %s and %s by different git() calls; give them the same commit=, or run `cairn lock --update`",
		e.Ref, e.URL, other, e.Commit)
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
