package lock

import (
	"bytes"
	"fmt"
	"sort"
)

// Git pins one ref of one git repository, as a git() call names them, to
// the commit it resolved to. A recipe that gives commit= alone needs no
// entry: it is pinned already.
//
// TagSigner is set when the call verified a signed tag: the fingerprint of
// the primary key whose signature was found good. A later build checks it
// against the recipe's keyring and allowed_signers without the network, so
// narrowing either makes the entry stale instead of silently trusted.
type Git struct {
	URL       string `json:"url"`
	Ref       string `json:"ref"`
	Commit    string `json:"commit"`
	TagSigner string `json:"tag_signer,omitempty"`
}

// LookupGit returns the entry pinning ref of url.
func (f *File) LookupGit(url, ref string) (Git, bool) {
	if f == nil {
		return Git{}, false
	}
	for _, g := range f.Git {
		if g.URL == url && g.Ref == ref {
			return g, true
		}
	}
	return Git{}, false
}

func sortGit(gs []Git) {
	sort.Slice(gs, func(i, j int) bool {
		if gs[i].URL != gs[j].URL {
			return gs[i].URL < gs[j].URL
		}
		return gs[i].Ref < gs[j].Ref
	})
}

// marshalGit writes the "git" table, one entry per line, or nothing when
// there are no entries (lockfiles of recipes without git() stay as they
// were).
func marshalGit(b *bytes.Buffer, gs []Git) error {
	if len(gs) == 0 {
		return nil
	}
	b.WriteString("  \"git\": [\n")
	for i, g := range gs {
		line, err := marshal(g, "")
		if err != nil {
			return err
		}
		sep := ","
		if i == len(gs)-1 {
			sep = ""
		}
		fmt.Fprintf(b, "    %s%s\n", line, sep)
	}
	b.WriteString("  ],\n")
	return nil
}
