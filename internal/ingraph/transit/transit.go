// Package transit is cairn's client of a remote signing service that
// speaks HashiCorp Vault's transit API: the signing step sends a SHA-256
// digest (`prehashed`) and gets a signature back, so the key never leaves
// the service and only the digest leaves the build. A Client is a
// crypto.Signer, which is the shape every format cairn signs needs
// (go-crypto's OpenPGP signatures, PKCS#7 for Authenticode and kernel
// modules, DSSE): the format's code hashes, the signer signs the digest.
//
// Two endpoints are used, as Vault documents them:
//
//	GET  /v1/MOUNT/keys/NAME            the key's public halves by version
//	POST /v1/MOUNT/sign/NAME/sha2-256   {"input": base64(digest), "prehashed": true,
//	                                     "signature_algorithm": "pkcs1v15", "key_version": N}
//
// with the token in X-Vault-Token. RSA keys sign PKCS#1 v1.5 (what
// OpenPGP and Authenticode expect); ECDSA keys answer ASN.1 signatures.
// docs/signing.md says what this was tested against.
package transit

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cairn-build/cairn/internal/ingraph/request"
)

// Client signs with one transit key.
type Client struct {
	// Addr is the service's base URL, e.g. https://vault.example:8200.
	Addr string
	// Mount is where the transit engine is mounted; "transit" when empty.
	Mount string
	// Key names the key.
	Key string
	// Token authenticates; it is sent as X-Vault-Token and never logged.
	Token string

	public  crypto.PublicKey
	version int
}

// Open reads the key's latest public half, which Public returns and the
// signatures are made with.
func (c *Client) Open() error {
	var resp struct {
		Data struct {
			Type          string `json:"type"`
			LatestVersion int    `json:"latest_version"`
			Keys          map[string]struct {
				PublicKey string `json:"public_key"`
			} `json:"keys"`
		} `json:"data"`
	}
	if err := c.call("GET", "keys/"+url.PathEscape(c.Key), nil, &resp); err != nil {
		return err
	}
	v := resp.Data.LatestVersion
	k, ok := resp.Data.Keys[strconv.Itoa(v)]
	if !ok || k.PublicKey == "" {
		return fmt.Errorf("transit key %s (%s): no public key for its latest version %d; is it a signing key (rsa-*, ecdsa-*)?", c.Key, resp.Data.Type, v)
	}
	block, _ := pem.Decode([]byte(k.PublicKey))
	if block == nil {
		return fmt.Errorf("transit key %s: the public key is not PEM", c.Key)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return fmt.Errorf("transit key %s: %w", c.Key, err)
	}
	switch pub.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey:
	default:
		return fmt.Errorf("transit key %s: a %T key; cairn signs with RSA or ECDSA keys", c.Key, pub)
	}
	c.public, c.version = pub, v
	return nil
}

// Public implements crypto.Signer; call Open first.
func (c *Client) Public() crypto.PublicKey { return c.public }

// Version is the key version Open found and Sign signs with.
func (c *Client) Version() int { return c.version }

// Sign implements crypto.Signer for SHA-256 digests: the digest goes to
// the service, the signature comes back. The signature is checked against
// the public key before it is returned, so a service answering with
// another key fails here, not in a verifier later.
func (c *Client) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if c.public == nil {
		return nil, errors.New("transit: Sign before Open")
	}
	if opts.HashFunc() != crypto.SHA256 || len(digest) != 32 {
		return nil, fmt.Errorf("transit: cairn signs SHA-256 digests, not %v", opts.HashFunc())
	}
	if _, pss := opts.(*rsa.PSSOptions); pss {
		return nil, errors.New("transit: cairn signs RSA PKCS#1 v1.5, not PSS")
	}
	body := map[string]any{"input": base64.StdEncoding.EncodeToString(digest), "prehashed": true, "key_version": c.version}
	if _, ok := c.public.(*rsa.PublicKey); ok {
		body["signature_algorithm"] = "pkcs1v15"
	}
	var resp struct {
		Data struct {
			Signature string `json:"signature"`
		} `json:"data"`
	}
	if err := c.call("POST", "sign/"+url.PathEscape(c.Key)+"/sha2-256", body, &resp); err != nil {
		return nil, err
	}
	prefix := fmt.Sprintf("vault:v%d:", c.version)
	enc, ok := strings.CutPrefix(resp.Data.Signature, prefix)
	if !ok {
		return nil, fmt.Errorf("transit: signature %q does not start with %q", clip(resp.Data.Signature), prefix)
	}
	sig, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, fmt.Errorf("transit: signature: %w", err)
	}
	if err := verify(c.public, digest, sig); err != nil {
		return nil, fmt.Errorf("transit key %s: the service's signature does not verify with its public key: %w", c.Key, err)
	}
	return sig, nil
}

// verify checks a signature over a SHA-256 digest.
func verify(pub crypto.PublicKey, digest, sig []byte) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, crypto.SHA256, digest, sig)
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(k, digest, sig) {
			return errors.New("ECDSA signature invalid")
		}
		return nil
	}
	return fmt.Errorf("a %T key", pub)
}

// call sends one request and decodes the answer's JSON into out. Vault
// reports failures as {"errors": [...]}, which the error quotes.
func (c *Client) call(method, path string, body, out any) error {
	mount := c.Mount
	if mount == "" {
		mount = "transit"
	}
	u := strings.TrimSuffix(c.Addr, "/") + "/v1/" + strings.Trim(mount, "/") + "/" + path
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	var data []byte
	if rd != nil {
		data, _ = io.ReadAll(rd)
	}
	header := [][2]string{{"X-Vault-Token", c.Token}}
	if body != nil {
		header = append(header, [2]string{"Content-Type", "application/json"})
	}
	resp, err := roundTrip(method, u, header, data, Timeout)
	if err != nil {
		return fmt.Errorf("transit: %s %s: %w", method, u, err)
	}
	data = resp.body
	if resp.code != 200 {
		var e struct {
			Errors []string `json:"errors"`
		}
		json.Unmarshal(data, &e)
		return fmt.Errorf("transit: %s %s: %s: %s", method, u, resp.status, strings.Join(e.Errors, "; "))
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("transit: %s %s: %w", method, u, err)
	}
	return nil
}

// clip shortens s for a message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// Timeout bounds each answer of the service in a signing step.
const Timeout = 2 * time.Minute

// Dial is the client a signing step's request names: the token read from
// its secret mount, the key's public half read from the service.
func Dial(r *request.Transit) (*Client, error) {
	token, err := os.ReadFile(r.Token)
	if err != nil {
		return nil, fmt.Errorf("transit token: %w", err)
	}
	c := &Client{Addr: r.Addr, Mount: r.Mount, Key: r.Key, Token: strings.TrimSpace(string(token))}
	if err := c.Open(); err != nil {
		return nil, err
	}
	return c, nil
}
