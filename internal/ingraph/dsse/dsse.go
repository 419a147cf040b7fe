// Package dsse signs in-toto statements into DSSE envelopes
// (github.com/secure-systems-lab/dsse, protocol v1): the signature covers
// the pre-authentication encoding of the payload and its type, so a
// verifier never parses what it has not checked. cairn signs the SBOM
// and provenance of a target this way, with the same X.509 signers that
// sign EFI binaries and kernel modules, inside the graph; the envelopes
// are written one per line, as an in-toto bundle (.intoto.jsonl).
package dsse

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strconv"

	"github.com/cairn-build/cairn/internal/ingraph/cms"
	"github.com/cairn-build/cairn/internal/ingraph/request"
	"github.com/cairn-build/cairn/internal/ingraph/signer"
)

// PayloadType is an in-toto statement's.
const PayloadType = "application/vnd.in-toto+json"

// Envelope is a DSSE envelope; encoding/json writes the byte slices in
// standard base64, as the protocol has them.
type Envelope struct {
	PayloadType string      `json:"payloadType"`
	Payload     []byte      `json:"payload"`
	Signatures  []Signature `json:"signatures"`
}

// Signature is one signer's: KeyID is the key's OpenSSH fingerprint
// ("SHA256:..."), what ssh-keygen -l prints and what the secure systems
// lab's verifier derives from a key it is given without an ID.
type Signature struct {
	KeyID string `json:"keyid"`
	Sig   []byte `json:"sig"`
}

// PAE is the pre-authentication encoding the signature covers.
func PAE(payloadType string, payload []byte) []byte {
	var b bytes.Buffer
	b.WriteString("DSSEv1 ")
	b.WriteString(strconv.Itoa(len(payloadType)))
	b.WriteByte(' ')
	b.WriteString(payloadType)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(len(payload)))
	b.WriteByte(' ')
	b.Write(payload)
	return b.Bytes()
}

// KeyID names cert's RSA key in an envelope: the SHA-256 of its SSH wire
// form (string "ssh-rsa", mpint e, mpint n), unpadded base64.
func KeyID(cert *x509.Certificate) string {
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return ""
	}
	var b bytes.Buffer
	put := func(p []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(p)))
		b.Write(p)
	}
	mpint := func(n *big.Int) []byte {
		p := n.Bytes()
		if len(p) > 0 && p[0]&0x80 != 0 {
			p = append([]byte{0}, p...)
		}
		return p
	}
	put([]byte("ssh-rsa"))
	put(mpint(big.NewInt(int64(pub.E))))
	put(mpint(pub.N))
	s := sha256.Sum256(b.Bytes())
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(s[:])
}

// Sign wraps an in-toto statement in an envelope signed by key (RSA
// PKCS#1 v1.5 over SHA-256: deterministic, so the same statement and key
// give the same bytes), one line of JSON.
func Sign(statement []byte, cert *x509.Certificate, key crypto.Signer) ([]byte, error) {
	if !json.Valid(statement) {
		return nil, fmt.Errorf("the statement is not JSON")
	}
	if err := cms.CheckKey(cert, key); err != nil {
		return nil, err
	}
	sig, err := cms.Sign(PAE(PayloadType, statement), cert, key)
	if err != nil {
		return nil, err
	}
	return json.Marshal(Envelope{PayloadType: PayloadType, Payload: statement,
		Signatures: []Signature{{KeyID: KeyID(cert), Sig: sig}}})
}

// Run signs each statement r.In names into r.Out, an envelope a line.
func Run(r request.AttestSign) error {
	cert, key, err := signer.Open(r.Signer)
	if err != nil {
		return err
	}
	var out []byte
	for _, p := range r.In {
		st, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		env, err := Sign(st, cert, key)
		if errors.Is(err, cms.ErrKeyMismatch) {
			return signer.Mismatch(r.Signer, cert)
		}
		if err != nil {
			return fmt.Errorf("signing %s with %s: %w", p, signer.Who(r.Signer), err)
		}
		out = append(append(out, env...), '\n')
	}
	fmt.Printf("cairn: signed %d statement(s) for %q\n", len(r.In), cert.Subject)
	return r.Epoch.WriteFile(r.Out, out)
}
