package main

// Signed SBOM and provenance: target(attest_key, attest_cert) writes
// TARGET.intoto.jsonl beside the output, two DSSE envelopes that the
// secure systems lab's verifier and openssl accept with the certificate;
// their statements are the provenance written beside them and the SBOM
// over the same subjects; an unchanged output is not signed again; the
// key is in no output, record, graph or log; a key file and a transit
// service sign alike; a key that is not the certificate's fails at the
// target's line.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cairn-build/cairn/internal/ingraph/transit/transittest"
	"github.com/cairn-build/cairn/internal/testutil"
	ssldsse "github.com/secure-systems-lab/go-securesystemslib/dsse"
)

const attestRecipe = `
release = files({"live/vmlinuz": "a kernel\n", "README": "the image\n"})
target("release", release, attest_key = secret("attest-key"), attest_cert = "keys/attest.pem")
`

type rsaVerifier struct{ pub *rsa.PublicKey }

func (v rsaVerifier) Verify(_ context.Context, data, sig []byte) error {
	h := sha256.Sum256(data)
	return rsa.VerifyPKCS1v15(v.pub, crypto.SHA256, h[:], sig)
}
func (v rsaVerifier) KeyID() (string, error)   { return "", nil }
func (v rsaVerifier) Public() crypto.PublicKey { return v.pub }

// checkEnvelopes verifies out/target.intoto.jsonl with cert and returns
// its statements: the provenance, byte for byte as written beside it,
// then the SBOM's, over the same subjects.
func checkEnvelopes(t *testing.T, out, target string, cert *x509.Certificate) {
	t.Helper()
	data := readFile(t, filepath.Join(out, target+".intoto.jsonl"))
	lines := strings.Split(strings.TrimSuffix(data, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%s.intoto.jsonl has %d lines, want 2 (provenance, SBOM)", target, len(lines))
	}
	ev, err := ssldsse.NewEnvelopeVerifier(rsaVerifier{cert.PublicKey.(*rsa.PublicKey)})
	if err != nil {
		t.Fatal(err)
	}
	var bodies [][]byte
	for i, l := range lines {
		var env ssldsse.Envelope
		if err := json.Unmarshal([]byte(l), &env); err != nil {
			t.Fatalf("envelope %d: %v", i, err)
		}
		if env.PayloadType != "application/vnd.in-toto+json" {
			t.Errorf("envelope %d: payload type %q", i, env.PayloadType)
		}
		_, body, err := ev.VerifyAndDecode(context.Background(), &env)
		if err != nil {
			t.Fatalf("envelope %d does not verify with the certificate: %v", i, err)
		}
		bodies = append(bodies, body)
	}
	if want := readFile(t, filepath.Join(out, target+".provenance.json")); string(bodies[0]) != want {
		t.Errorf("the first envelope's statement is not %s.provenance.json", target)
	}
	var prov, sbom struct {
		Subject       any             `json:"subject"`
		PredicateType string          `json:"predicateType"`
		Predicate     json.RawMessage `json:"predicate"`
	}
	if json.Unmarshal(bodies[0], &prov) != nil || json.Unmarshal(bodies[1], &sbom) != nil {
		t.Fatal("statements are not JSON")
	}
	if sbom.PredicateType != "https://spdx.dev/Document" || !reflect.DeepEqual(sbom.Subject, prov.Subject) {
		t.Errorf("the SBOM statement: predicate %q, subjects %v (provenance's %v)", sbom.PredicateType, sbom.Subject, prov.Subject)
	}
	var doc, inEnv any
	json.Unmarshal([]byte(readFile(t, filepath.Join(out, target+".spdx.json"))), &doc)
	json.Unmarshal(sbom.Predicate, &inEnv)
	if !reflect.DeepEqual(doc, inEnv) {
		t.Errorf("the SBOM statement's predicate is not %s.spdx.json", target)
	}
	// openssl, on its own, over the pre-authentication encoding.
	if _, err := exec.LookPath("openssl"); err == nil {
		var env struct {
			PayloadType string `json:"payloadType"`
			Payload     []byte `json:"payload"`
			Signatures  []struct {
				Sig []byte `json:"sig"`
			} `json:"signatures"`
		}
		json.Unmarshal([]byte(lines[0]), &env)
		dir := t.TempDir()
		pub, _ := x509.MarshalPKIXPublicKey(cert.PublicKey)
		writeFile(t, filepath.Join(dir, "pub.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})))
		writeFile(t, filepath.Join(dir, "sig"), string(env.Signatures[0].Sig))
		writeFile(t, filepath.Join(dir, "pae"), string(ssldsse.PAE(env.PayloadType, env.Payload)))
		if b, err := exec.Command("openssl", "dgst", "-sha256", "-verify", filepath.Join(dir, "pub.pem"),
			"-signature", filepath.Join(dir, "sig"), filepath.Join(dir, "pae")).CombinedOutput(); err != nil {
			t.Errorf("openssl refused the provenance's signature: %v\n%s", err, b)
		}
	}
}

func TestSignedAttestations(t *testing.T) {
	c := shared(t)
	proj := newProject(t, attestRecipe)
	recipe := filepath.Join(proj, "cairn.star")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	testutil.Must(t, err)
	cert := testutil.SelfSigned(t, key, "cairn attestations")
	os.MkdirAll(filepath.Join(proj, "keys"), 0o755)
	writeFile(t, filepath.Join(proj, "keys", "attest.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})))
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	keyFile := filepath.Join(t.TempDir(), "attest.key")
	writeFile(t, keyFile, string(keyPEM))
	out := filepath.Join(t.TempDir(), "out")
	build := func() result {
		return c.ok(t, "build", "-f", recipe, "-o", out, "--progress", "plain", "--secret", "id=attest-key,src="+keyFile)
	}
	r := build()
	checkEnvelopes(t, out, "release", cert)
	first := readFile(t, filepath.Join(out, "release.intoto.jsonl"))

	// The key's body is nowhere but the key file.
	body := string(keyPEM[bytes.IndexByte(keyPEM, '\n')+1 : bytes.Index(keyPEM, []byte("\n-----END"))])
	graph := c.ok(t, "graph", "-f", recipe, "release").stdout
	for what, b := range map[string][]byte{
		"cairn graph":  []byte(graph),
		"progress":     []byte(r.stdout + r.stderr),
		"output":       treeBytes(t, out, false),
		"build record": []byte(readFile(t, filepath.Join(out, "release.cairn.json"))),
	} {
		for _, line := range strings.Split(body, "\n")[:3] {
			if bytes.Contains(b, []byte(line)) {
				t.Errorf("%s holds the key's material %q", what, line)
			}
		}
	}

	// Up to date: nothing is signed again, the envelopes stay.
	if r := build(); !strings.Contains(r.stderr, "up to date") {
		t.Errorf("the second build was not up to date:\n%s", r.stderr)
	}
	if again := readFile(t, filepath.Join(out, "release.intoto.jsonl")); again != first {
		t.Error("the envelopes changed on an up-to-date build")
	}
	// Envelopes lost: the output is built again, from cache, and signed
	// to the same bytes (PKCS#1 v1.5 is deterministic).
	os.Remove(filepath.Join(out, "release.intoto.jsonl"))
	build()
	if again := readFile(t, filepath.Join(out, "release.intoto.jsonl")); again != first {
		t.Error("signing the same statements again gave other envelopes")
	}

	// A certificate of another key: refused at the target's line, naming
	// the certificate; the output stays as it was. (The same certificate
	// with another key under the secret's name is cached: the step is
	// keyed by the certificate, and its signatures hold for it.)
	_, other := testutil.RSACert(t, "another")
	writeFile(t, filepath.Join(proj, "keys", "attest.pem"), string(other))
	os.Remove(filepath.Join(out, "release.intoto.jsonl"))
	bad := c.run(t, "build", "-f", recipe, "-o", out, "--progress", "plain", "--secret", "id=attest-key,src="+keyFile)
	if bad.code == 0 || !strings.Contains(bad.stderr, "cairn.star:3") || !strings.Contains(bad.stderr, `is not the key of certificate "CN=another"`) {
		t.Errorf("a key that is not the certificate's: exit %d\n%s", bad.code, bad.stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "release", "README")); err != nil {
		t.Errorf("the earlier output is gone after a failed signing: %v", err)
	}
}

// TestSignedAttestationsTransit: the same envelopes signed by a key kept
// in a signing service; the service signs two digests, and its token
// reaches no output or log.
func TestSignedAttestationsTransit(t *testing.T) {
	c := shared(t)
	svc := transittest.New(t, "attest")
	recipe := strings.Replace(attestRecipe, `attest_key = secret("attest-key")`,
		`attest_key = signer.transit(url = "`+svc.URL+`", key = "attest", token = secret("vault-token"))`, 1)
	proj := newProject(t, recipe)
	cert := testutil.SelfSigned(t, svc.Signer, "cairn transit attestations")
	os.MkdirAll(filepath.Join(proj, "keys"), 0o755)
	writeFile(t, filepath.Join(proj, "keys", "attest.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})))
	token := filepath.Join(t.TempDir(), "token")
	writeFile(t, token, svc.Token+"\n")
	out := filepath.Join(t.TempDir(), "out")
	r := c.ok(t, "build", "-f", filepath.Join(proj, "cairn.star"), "-o", out, "--progress", "plain", "--secret", "id=vault-token,src="+token)
	checkEnvelopes(t, out, "release", cert)
	if got := len(svc.Signed()); got != 2 {
		t.Errorf("the service signed %d digests, want 2", got)
	}
	if f := fileHolding(t, out, []byte(svc.Token)); f != "" || strings.Contains(r.stdout+r.stderr, svc.Token) {
		t.Errorf("the token reached the output (%s) or the log", f)
	}
}
