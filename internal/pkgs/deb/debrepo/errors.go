package debrepo

import (
	"fmt"
	"strings"
	"time"
)

// Where locates an error: the repository's name and suite and the file
// concerned, e.g. "debian bookworm: main/binary-amd64/Packages.gz: ".
// Fields may be empty (VerifyInRelease knows no repository).
type Where struct {
	Repo, Suite, File string
}

// prefix renders the non-empty parts of w, each followed by ": " (the
// repository's name and suite share one part).
func (w Where) prefix() string {
	var parts []string
	if s := strings.TrimSpace(w.Repo + " " + w.Suite); s != "" {
		parts = append(parts, s)
	}
	if w.File != "" {
		parts = append(parts, w.File)
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ": ") + ": "
}

// HTTPError is a response other than 200 OK.
type HTTPError struct {
	Where
	URL    string
	Status string // e.g. "404 Not Found"
	Code   int
}

func newHTTPError(w Where, url, status string, code int) *HTTPError {
	return &HTTPError{Where: w, URL: url, Status: status, Code: code}
}

// Error renders the error with its location.
func (e *HTTPError) Error() string {
	return fmt.Sprintf("%sHTTP %s (GET %s)", e.prefix(), e.Status, e.URL)
}

// SigKind classifies a signature failure.
type SigKind int

// The kinds of signature failure.
const (
	NotSigned    SigKind = iota // no signature at all
	BadSignature                // a signature by a known key does not match the data
	UnknownKey                  // signed only by keys the keyring lacks
	ExpiredKey                  // the signature or its key has expired
	RevokedKey                  // the signing key is revoked
	Malformed                   // the signature or its armor cannot be parsed
)

// SignatureError is a Release whose signature cannot be trusted.
type SignatureError struct {
	Where
	Kind    SigKind
	KeyIDs  []string // issuers: the unknown ones for UnknownKey, else the failing one
	Keyring string   // the keyring's name, for messages
	Have    []string // for UnknownKey: the keys the keyring holds
	Err     error
}

func newSignatureError(kind SigKind, ids []string, err error) *SignatureError {
	return &SignatureError{Kind: kind, KeyIDs: ids, Err: err}
}

// Error renders the error with its location.
func (e *SignatureError) Error() string {
	ids := strings.Join(e.KeyIDs, ", ")
	var msg string
	switch e.Kind {
	case NotSigned:
		msg = "not signed"
	case BadSignature:
		msg = "bad signature by key " + ids
	case UnknownKey:
		msg = "signature by unknown key " + ids + e.keyringHas()
	case ExpiredKey:
		msg = "expired signature or key " + ids
	case RevokedKey:
		msg = "signature by revoked key " + ids
	default:
		msg = "malformed signature"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return e.prefix() + msg
}

// keyringHas renders "; keyring NAME has: KEYS".
func (e *SignatureError) keyringHas() string {
	name := "keyring"
	if e.Keyring != "" {
		name += " " + e.Keyring
	}
	if len(e.Have) == 0 {
		return "; " + name + " is empty"
	}
	return "; " + name + " has: " + strings.Join(e.Have, ", ")
}

// Unwrap returns the underlying error.
func (e *SignatureError) Unwrap() error { return e.Err }

// ChecksumError is a downloaded or cached file whose SHA-256 differs from
// the one the signed Release lists.
type ChecksumError struct {
	Where
	URL       string
	Want, Got string
}

func newChecksumError(w Where, url, want, got string) *ChecksumError {
	return &ChecksumError{Where: w, URL: url, Want: want, Got: got}
}

// Error renders the error with its location.
func (e *ChecksumError) Error() string {
	return fmt.Sprintf("%ssha256 mismatch: want %s, got %s (from %s)", e.prefix(), e.Want, e.Got, e.URL)
}

// SizeError is a download shorter (truncated) or longer than the size the
// signed Release lists.
type SizeError struct {
	Where
	URL       string
	Want, Got int64 // Got is a lower bound when the body was longer
	Err       error // the read error that cut the body short, if any
}

func newSizeError(w Where, url string, want, got int64, err error) *SizeError {
	return &SizeError{Where: w, URL: url, Want: want, Got: got, Err: err}
}

// Error renders the error with its location.
func (e *SizeError) Error() string {
	msg := fmt.Sprintf("truncated: size %d of %d bytes", e.Got, e.Want)
	if e.Got > e.Want {
		msg = fmt.Sprintf("too long: more than %d bytes", e.Want)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return fmt.Sprintf("%s%s (from %s)", e.prefix(), msg, e.URL)
}

// Unwrap returns the underlying error.
func (e *SizeError) Unwrap() error { return e.Err }

// SuiteError is a signed Release for another suite than the one asked for:
// a replayed or mixed-up Release must not pass for the requested one.
type SuiteError struct {
	Where
	Want, Suite, Codename string
}

func newSuiteError(w Where, want string, rel *Release) *SuiteError {
	return &SuiteError{Where: w, Want: want, Suite: rel.Suite, Codename: rel.Codename}
}

// Error renders the error with its location.
func (e *SuiteError) Error() string {
	return fmt.Sprintf("%sRelease is for suite %q (codename %q), not %q", e.prefix(), e.Suite, e.Codename, e.Want)
}

// ExpiredError is a Release past its Valid-Until date: a mirror may be
// serving stale metadata (a freeze attack) and miss security updates.
type ExpiredError struct {
	Where
	ValidUntil string
}

func newExpiredError(w Where, validUntil string) *ExpiredError {
	return &ExpiredError{Where: w, ValidUntil: validUntil}
}

// Error renders the error with its location.
func (e *ExpiredError) Error() string {
	return fmt.Sprintf("%sRelease expired (Valid-Until: %s); the mirror serves stale metadata "+
		"(for an archive snapshot, whose metadata is old by design, set check_valid_until = False on repo.deb(); "+
		"snapshot = \"...\" does so by default)", e.prefix(), e.ValidUntil)
}

// dateExample is a Date as Release files write it, for messages.
const dateExample = "Sat, 01 Jun 2024 10:00:00 UTC"

// NotYetValidError is a Release whose Date is ahead of the clock by more
// than apt's skew allowance: the mirror's clock or this machine's is
// wrong, and the file's age cannot be trusted.
type NotYetValidError struct {
	Where
	Date  string        // the Release's Date field
	Now   time.Time     // the clock it was judged by
	Ahead time.Duration // how long until it becomes valid
}

func newNotYetValidError(w Where, date string, now time.Time, ahead time.Duration) *NotYetValidError {
	return &NotYetValidError{Where: w, Date: date, Now: now, Ahead: ahead}
}

// Error renders the error with its location.
func (e *NotYetValidError) Error() string {
	return fmt.Sprintf("%sRelease file is not valid yet (Date: %s, this machine's clock: %s; invalid for another %s); "+
		"the mirror's clock or this machine's is wrong: fix the clock, or, for a repository dated ahead on purpose, "+
		"set check_date = False on repo.deb()", e.prefix(), e.Date, e.Now.UTC().Format(time.RFC1123), aptDuration(e.Ahead))
}

// DateError is a Release without a Date field (Date empty) or with one
// that does not parse: its age cannot be judged.
type DateError struct {
	Where
	Date string
}

func newDateError(w Where, date string) *DateError {
	return &DateError{Where: w, Date: date}
}

// Error renders the error with its location.
func (e *DateError) Error() string {
	if e.Date == "" {
		return fmt.Sprintf("%sRelease file has no Date field, want an RFC 1123 date like %q; without it the file's age "+
			"cannot be judged (for a repository published without a Date, set check_date = False on repo.deb())",
			e.prefix(), dateExample)
	}
	return fmt.Sprintf("%sRelease file has an invalid Date %q, want an RFC 1123 date like %q "+
		"(for a repository that writes its Date another way, set check_date = False on repo.deb())",
		e.prefix(), e.Date, dateExample)
}

// MissingIndexError is a component/architecture the Release does not list.
type MissingIndexError struct {
	Where
	Component, Arch    string
	Components, Arches []string // what the Release declares
}

func newMissingIndexError(w Where, comp, arch string, rel *Release) *MissingIndexError {
	return &MissingIndexError{Where: w, Component: comp, Arch: arch,
		Components: rel.Components, Arches: rel.Architectures}
}

// Error renders the error with its location.
func (e *MissingIndexError) Error() string {
	what := "Packages index for " + e.Component + "/binary-" + e.Arch
	if e.Arch == SourceArch {
		what = "Sources index for " + e.Component + "/source (does the repository publish sources?)"
	}
	return fmt.Sprintf("%sno %s; the Release has components [%s], architectures [%s]",
		e.prefix(), what, strings.Join(e.Components, " "), strings.Join(e.Arches, " "))
}

// OfflineError is metadata that Client.Offline forbids fetching and the
// cache does not hold.
type OfflineError struct {
	Where
	Path string // the cache path looked at
}

func newOfflineError(w Where, path string) *OfflineError {
	return &OfflineError{Where: w, Path: path}
}

// Error renders the error with its location.
func (e *OfflineError) Error() string {
	return fmt.Sprintf("%soffline and not in the cache (%s); fetch once online first", e.prefix(), e.Path)
}

// ReleaseError is a Release (or repository request) that cannot be used:
// unparsable metadata or an incomplete Repo.
type ReleaseError struct {
	Where
	Err error
}

func newReleaseError(w Where, err error) *ReleaseError {
	return &ReleaseError{Where: w, Err: err}
}

// Error renders the error with its location.
func (e *ReleaseError) Error() string { return e.prefix() + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *ReleaseError) Unwrap() error { return e.Err }
