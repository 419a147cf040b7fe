package gitsrc

import (
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://example.org/a/b.git":    "https",
		"http://127.0.0.1:8080/r.git":    "http",
		"git://127.0.0.1/r.git":          "git",
		"ssh://git@example.org/a/b.git":  "ssh",
		"git@example.org:a/b.git":        "ssh",
		"https://user@example.org/a.git": "https",
	} {
		if got, err := CheckURL(raw); err != nil || got != want {
			t.Errorf("CheckURL(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	for raw, want := range map[string]string{
		"file:///srv/r.git":                 "want a remote URL",
		"/srv/r.git":                        "want a remote URL",
		"ftp://example.org/r.git":           "want a remote URL",
		"https://u:tok@example.org/r.git":   "auth = secret",
		"https://example.org/r.git#v1:dir":  "without #fragment",
		"https://example.org/r.git?ref=v1":  "without #fragment",
		"example.org/r.git":                 "want a remote URL",
		"ext::sh -c touch% /tmp/pwned >&2":  "want a remote URL",
		"https:///no-host":                  "want a remote URL",
		"ssh://git@example.org:22/r.git#v1": "without #fragment",
	} {
		if _, err := CheckURL(raw); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckURL(%q) = %v, want an error containing %q", raw, err, want)
		}
	}
}

func TestCheckRef(t *testing.T) {
	for _, ok := range []string{"main", "v1.2", "release/1.x", "refs/tags/v1.2", "HEAD", "feature+x", "v1@2"} {
		if err := CheckRef(ok); err != nil {
			t.Errorf("CheckRef(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "-upload-pack=x", "a..b", "a//b", "x/", "x.lock", "a b", "v1^{}", "HEAD@{1}", "/abs", "x.",
		strings.Repeat("a", 40)} {
		if err := CheckRef(bad); err == nil {
			t.Errorf("CheckRef(%q) accepted it", bad)
		}
	}
}

func TestNormalizeSigner(t *testing.T) {
	fpr := "427E42549CEB65303351CEFA977E9F4058178CEE"
	for in, want := range map[string]string{
		fpr:                  fpr,
		strings.ToLower(fpr): fpr,
		"0x" + fpr:           fpr,
		"427E 4254 9CEB 6530 3351  CEFA 977E 9F40 5817 8CEE": fpr,
		"Alice@Example.org":   "alice@example.org",
		"<alice@example.org>": "alice@example.org",
	} {
		if got, err := NormalizeSigner(in); err != nil || got != want {
			t.Errorf("NormalizeSigner(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"977E9F4058178CEE", "Alice", "alice @x", "@x", ""} {
		if _, err := NormalizeSigner(bad); err == nil {
			t.Errorf("NormalizeSigner(%q) accepted it", bad)
		}
	}
}

const sampleTag = "object c5d9ee492e34685567f0bcf568eab2d73aabf840\ntype commit\ntag v1.0\ntagger T <t@x> 1704164645 +0000\n\nrelease v1.0\n"

func TestParseTag(t *testing.T) {
	sig := "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n"
	tg, err := parseTag([]byte(sampleTag + sig))
	if err != nil {
		t.Fatal(err)
	}
	if tg.object != "c5d9ee492e34685567f0bcf568eab2d73aabf840" || tg.typ != "commit" || tg.name != "v1.0" ||
		string(tg.payload) != sampleTag || string(tg.sig) != sig || tg.sigKind != "pgp" {
		t.Errorf("parseTag = %+v", tg)
	}
	tg, _ = parseTag([]byte(sampleTag + "-----BEGIN SSH SIGNATURE-----\nx\n-----END SSH SIGNATURE-----\n"))
	if tg.sigKind != "ssh" {
		t.Errorf("ssh signature: kind %q", tg.sigKind)
	}
	tg, _ = parseTag([]byte(sampleTag))
	if tg.sigKind != "" || tg.sig != nil {
		t.Errorf("unsigned tag: %+v", tg)
	}
	if _, err := parseTag([]byte("tree x\n\nmsg\n")); err == nil {
		t.Error("a commit object parsed as a tag")
	}
}

func FuzzParseTag(f *testing.F) {
	f.Add([]byte(sampleTag))
	f.Add([]byte(sampleTag + "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n"))
	f.Add([]byte("object x\ntype commit\ntag t"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tg, err := parseTag(data)
		if err != nil {
			return
		}
		if len(tg.payload)+len(tg.sig) != len(data) {
			t.Errorf("payload and signature do not add up to the object: %d + %d != %d", len(tg.payload), len(tg.sig), len(data))
		}
	})
}
