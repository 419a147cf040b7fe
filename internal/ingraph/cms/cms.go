// Package cms holds the PKCS#7 (CMS) SignedData cairn writes, in two
// shapes: Authenticode's (signed attributes, the certificate embedded;
// built by internal/ingraph/authenticode) and the Linux kernel's module
// signatures (detached, no attributes and no certificates, as the
// kernel's scripts/sign-file writes with CMS_NOATTR and CMS_NOCERTS).
// Only RSA PKCS#1 v1.5 over SHA-256.
package cms

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
)

// Object identifiers.
var (
	OIDSignedData    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	OIDData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	OIDSHA256        = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	OIDRSAEncryption = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
)

// Algorithm is an AlgorithmIdentifier.
type Algorithm struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

var asn1Null = asn1.RawValue{Tag: asn1.TagNull}

// SHA256 and RSA are the algorithms cairn signs with, NULL parameters.
var (
	SHA256 = Algorithm{OIDSHA256, asn1Null}
	RSA    = Algorithm{OIDRSAEncryption, asn1Null}
)

// DigestInfo is a digest with its algorithm.
type DigestInfo struct {
	Algorithm Algorithm
	Digest    []byte
}

// IssuerAndSerial names the signer's certificate.
type IssuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

// SignerInfo is one signature; Attributes are the [0] IMPLICIT signed
// attributes, absent for a signature over the content itself.
type SignerInfo struct {
	Version         int
	IssuerAndSerial IssuerAndSerial
	DigestAlgorithm Algorithm
	Attributes      asn1.RawValue `asn1:"optional"`
	SignatureAlg    Algorithm
	Signature       []byte
}

// SignedData is the signed content (or, detached, its type alone), the
// certificates ([0] IMPLICIT, optional) and the signatures.
type SignedData struct {
	Version          int
	DigestAlgorithms []Algorithm `asn1:"set"`
	ContentInfo      ContentInfo
	Certificates     asn1.RawValue `asn1:"optional"`
	SignerInfos      []SignerInfo  `asn1:"set"`
}

// ContentInfo is a typed content, [0] EXPLICIT; absent when detached.
type ContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"optional"`
}

// Explicit wraps DER as [0] EXPLICIT, constructed.
func Explicit(der []byte) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: der}
}

// Marshal is the ContentInfo of type signedData holding sd.
func Marshal(sd SignedData) ([]byte, error) {
	inner, err := asn1.Marshal(sd)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(ContentInfo{OIDSignedData, Explicit(inner)})
}

// ErrKeyMismatch is the error for a signer whose key is not the
// certificate's.
var ErrKeyMismatch = errors.New("the signing key does not match the certificate's public key")

// CheckKey says whether signer holds cert's RSA key.
func CheckKey(cert *x509.Certificate, signer crypto.Signer) error {
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return fmt.Errorf("certificate %q: a %T key; cairn signs with RSA", cert.Subject, cert.PublicKey)
	}
	if pub, ok := signer.Public().(*rsa.PublicKey); !ok || !pub.Equal(cert.PublicKey) {
		return ErrKeyMismatch
	}
	return nil
}

// Sign signs msg (the signed attributes, or the content itself) with
// RSA PKCS#1 v1.5 over SHA-256, as a message: an agent-held key hashes
// what it signs. The signature is checked against the certificate.
func Sign(msg []byte, cert *x509.Certificate, signer crypto.Signer) ([]byte, error) {
	sig, err := crypto.SignMessage(signer, rand.Reader, msg, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	h := crypto.SHA256.New()
	h.Write(msg)
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, h.Sum(nil), sig); err != nil {
		return nil, fmt.Errorf("the signer's signature does not verify with the certificate: %w", err)
	}
	return sig, nil
}

// SignerFor is the SignerInfo of cert with the signature and, when not
// nil, the [0] IMPLICIT signed attributes.
func SignerFor(cert *x509.Certificate, attrs []byte, sig []byte) SignerInfo {
	si := SignerInfo{
		Version:         1,
		IssuerAndSerial: IssuerAndSerial{asn1.RawValue{FullBytes: cert.RawIssuer}, cert.SerialNumber},
		DigestAlgorithm: SHA256,
		SignatureAlg:    RSA,
		Signature:       sig,
	}
	if attrs != nil {
		si.Attributes = asn1.RawValue{FullBytes: attrs}
	}
	return si
}

// Detached is a kernel module signature's PKCS#7: SignedData over
// content, which it does not hold, with no signed attributes and no
// certificates, the signer named by issuer and serial number.
func Detached(content []byte, cert *x509.Certificate, signer crypto.Signer) ([]byte, error) {
	if err := CheckKey(cert, signer); err != nil {
		return nil, err
	}
	sig, err := Sign(content, cert, signer)
	if err != nil {
		return nil, err
	}
	return Marshal(SignedData{
		Version:          1,
		DigestAlgorithms: []Algorithm{SHA256},
		ContentInfo:      ContentInfo{ContentType: OIDData},
		SignerInfos:      []SignerInfo{SignerFor(cert, nil, sig)},
	})
}
