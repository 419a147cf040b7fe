// Package transittest is a signing service for tests that answers the two
// calls of HashiCorp Vault's transit API cairn makes (read a key, sign a
// digest), written to Vault's API documentation: real keys, real
// signatures, a token required, and nothing else served. Vault's own
// server cannot be built from the Go module proxy cairn builds with, so
// this stands in for it; docs/signing.md says so. Its key is an RSA key
// generated in a softhsm2 token and used through PKCS#11 (pkcs11-tool), so
// the service never holds it either.
package transittest

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Server is a running transit-compatible service with one RSA key.
type Server struct {
	*httptest.Server
	// Token is the one token it accepts.
	Token string
	// Name is the key's name.
	Name string
	// Signer is the key in its token (tests verify against its public
	// half, and may sign with it as the service does).
	Signer crypto.Signer

	mu     sync.Mutex
	signed [][]byte // the digests it was sent, in order
}

// New starts a server with a new 2048-bit RSA key under name, generated
// in a softhsm2 token of its own; it stops when tb ends.
func New(tb testing.TB, name string) *Server {
	tb.Helper()
	s := &Server{Token: "s.cairn-test-token", Name: name, Signer: NewToken(tb, name)}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// Serve starts a server on addr (host:port, for a recipe that names its
// service's address) whose key, under name, is the PKCS#8 PEM file
// keyFile imported into a softhsm2 token of its own; it stops when tb
// ends.
func Serve(tb testing.TB, addr, name, keyFile string) *Server {
	tb.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		tb.Fatalf("transit test service on %s: %v (is something else listening there?)", addr, err)
	}
	s := &Server{Token: "s.cairn-test-token", Name: name, Signer: ImportToken(tb, name, keyFile)}
	s.Server = &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(s.serve)}}
	s.Start()
	tb.Cleanup(s.Close)
	return s
}

// Signed returns the digests the server signed.
func (s *Server) Signed() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.signed...)
}

// PublicPEM is the key's public half as the keys endpoint serves it.
func (s *Server) PublicPEM() []byte {
	der, _ := x509.MarshalPKIXPublicKey(s.Signer.Public())
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Vault-Token") != s.Token {
		fail(w, http.StatusForbidden, "permission denied")
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/v1/transit/"), "/")
	switch {
	case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "keys":
		s.readKey(w, parts[1])
	case r.Method == http.MethodPost && (len(parts) == 2 || len(parts) == 3) && parts[0] == "sign":
		hash := "sha2-256"
		if len(parts) == 3 {
			hash = parts[2]
		}
		s.sign(w, r, parts[1], hash)
	default:
		fail(w, http.StatusNotFound, "no handler for route "+r.URL.Path)
	}
}

func (s *Server) readKey(w http.ResponseWriter, name string) {
	if name != s.Name {
		fail(w, http.StatusNotFound, "encryption key not found")
		return
	}
	answer(w, map[string]any{"data": map[string]any{
		"name": s.Name, "type": "rsa-2048", "latest_version": 1, "exportable": false,
		"keys": map[string]any{"1": map[string]any{"name": "rsa-2048", "public_key": string(s.PublicPEM())}},
	}})
}

func (s *Server) sign(w http.ResponseWriter, r *http.Request, name, hash string) {
	var req struct {
		Input              string `json:"input"`
		Prehashed          bool   `json:"prehashed"`
		HashAlgorithm      string `json:"hash_algorithm"`
		SignatureAlgorithm string `json:"signature_algorithm"`
		KeyVersion         int    `json:"key_version"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	if req.HashAlgorithm != "" {
		hash = req.HashAlgorithm
	}
	in, err := base64.StdEncoding.DecodeString(req.Input)
	switch {
	case name != s.Name:
		fail(w, http.StatusBadRequest, "signing key not found")
		return
	case hash != "sha2-256":
		fail(w, http.StatusBadRequest, "this test server signs sha2-256 only")
		return
	case err != nil:
		fail(w, http.StatusBadRequest, "unable to decode input as base64: "+err.Error())
		return
	case req.KeyVersion > 1:
		fail(w, http.StatusBadRequest, "requested version for signing is higher than the latest key version")
		return
	}
	digest := in
	if !req.Prehashed {
		sum := sha256.Sum256(in)
		digest = sum[:]
	} else if len(digest) != sha256.Size {
		fail(w, http.StatusBadRequest, "prehashed input is not a SHA-256 digest")
		return
	}
	var sig []byte
	switch req.SignatureAlgorithm {
	case "pkcs1v15":
		sig, err = s.Signer.Sign(nil, digest, crypto.SHA256)
	case "", "pss":
		fail(w, http.StatusBadRequest, "this test server signs pkcs1v15 only")
		return
	default:
		fail(w, http.StatusBadRequest, "unsupported signature algorithm "+req.SignatureAlgorithm)
		return
	}
	if err != nil {
		fail(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.mu.Lock()
	s.signed = append(s.signed, append([]byte(nil), digest...))
	s.mu.Unlock()
	answer(w, map[string]any{"data": map[string]any{"signature": "vault:v1:" + base64.StdEncoding.EncodeToString(sig), "key_version": 1}})
}

func answer(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"errors": []string{msg}})
}

// OpenPGPCert is an armored OpenPGP certificate of the server's key (its
// public key, a user ID and a self-signature made through the token), as
// an operator would publish for a key kept in a signing service.
func (s *Server) OpenPGPCert(tb testing.TB, name string) []byte {
	tb.Helper()
	pub := packet.NewRSAPublicKey(time.Unix(315532800, 0), s.Signer.Public().(*rsa.PublicKey))
	priv := &packet.PrivateKey{PublicKey: *pub, PrivateKey: s.Signer}
	uid := packet.NewUserId(name, "", "")
	if uid == nil {
		tb.Fatalf("OpenPGP user ID %q: a plain name, without ()<>", name)
	}
	primary := true
	sig := &packet.Signature{Version: 4, SigType: packet.SigTypePositiveCert, PubKeyAlgo: pub.PubKeyAlgo, Hash: crypto.SHA256,
		CreationTime: pub.CreationTime, IssuerKeyId: &pub.KeyId, IssuerFingerprint: pub.Fingerprint,
		FlagsValid: true, FlagSign: true, FlagCertify: true, IsPrimaryId: &primary}
	if err := sig.SignUserId(uid.Id, pub, priv, nil); err != nil {
		tb.Fatal(err)
	}
	e := &openpgp.Entity{PrimaryKey: pub, Identities: map[string]*openpgp.Identity{
		uid.Id: {Name: uid.Id, UserId: uid, SelfSignature: sig, Signatures: []*packet.Signature{sig}}}}
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err == nil {
		err = e.Serialize(w)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}
