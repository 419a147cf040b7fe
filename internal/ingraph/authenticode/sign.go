// Package authenticode signs PE/COFF images (EFI applications, kernels
// with an EFI stub, unified kernel images) for UEFI Secure Boot, as
// sbsign does, with any crypto.Signer: a file key, a token, or a remote
// service that is sent only the digest of the signed attributes (see
// internal/ingraph/transit). The image's Authenticode hash goes into a
// PKCS#7 SignedData of Microsoft's SpcIndirectDataContent, signed with
// SHA-256 and RSA PKCS#1 v1.5, which is appended as the image's
// certificate table. No signing time is recorded, so the same image,
// certificate and key give the same bytes.
package authenticode

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/binary"
	"github.com/cairn-build/cairn/internal/ingraph/cms"
	"slices"
	"unicode/utf16"
)

var (
	oidContentType      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSpcIndirectData  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 4}
	oidSpcPEImageData   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 15}
	oidSpcSpOpusInfo    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 12}
	oidSpcStatementType = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 11}
	oidIndividualCode   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 21}
)

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue `asn1:"set"`
}

// ErrKeyMismatch is Sign's error for a key that is not the certificate's.
var ErrKeyMismatch = cms.ErrKeyMismatch

// Sign returns image signed for Secure Boot by signer, whose certificate
// is cert (the db entry a verifier holds). The image is padded to 8 bytes
// and given a certificate table holding the signature.
func Sign(image []byte, cert *x509.Certificate, signer crypto.Signer) ([]byte, error) {
	if err := cms.CheckKey(cert, signer); err != nil {
		return nil, err
	}
	padded := make([]byte, (len(image)+7)&^7)
	copy(padded, image)
	img, err := parsePE(padded)
	if err != nil {
		return nil, err
	}
	p7, err := signedDataFor(img.hash(), cert, signer)
	if err != nil {
		return nil, err
	}
	table := make([]byte, (winCertHdrSize+len(p7)+7)&^7)
	le := binary.LittleEndian
	le.PutUint32(table[0:], uint32(len(table)))
	le.PutUint16(table[4:], winCertRev2)
	le.PutUint16(table[6:], winCertPKCS7)
	copy(table[winCertHdrSize:], p7)
	out := append(padded, table...)
	le.PutUint32(out[img.certDir:], uint32(len(padded)))
	le.PutUint32(out[img.certDir+4:], uint32(len(table)))
	le.PutUint32(out[img.checksum:], 0)
	le.PutUint32(out[img.checksum:], checksum(out))
	return out, nil
}

// signedDataFor builds the PKCS#7 ContentInfo for an image hash.
func signedDataFor(imageHash []byte, cert *x509.Certificate, signer crypto.Signer) ([]byte, error) {
	idc, err := indirectData(imageHash)
	if err != nil {
		return nil, err
	}
	// Authenticode's quirk: the message digest covers the content's
	// value, without the SEQUENCE's tag and length.
	var raw asn1.RawValue
	if _, err := asn1.Unmarshal(idc, &raw); err != nil {
		return nil, err
	}
	digest := sha256.Sum256(raw.Bytes)
	attrs, err := signedAttributes(digest[:])
	if err != nil {
		return nil, err
	}
	// The signature covers the attributes as a SET; they are carried
	// as [0] IMPLICIT.
	sig, err := cms.Sign(attrs, cert, signer)
	if err != nil {
		return nil, err
	}
	implicit := append([]byte{0xa0}, attrs[1:]...)
	return cms.Marshal(cms.SignedData{
		Version:          1,
		DigestAlgorithms: []cms.Algorithm{cms.SHA256},
		ContentInfo:      cms.ContentInfo{ContentType: oidSpcIndirectData, Content: cms.Explicit(idc)},
		Certificates:     cms.Explicit(cert.Raw),
		SignerInfos:      []cms.SignerInfo{cms.SignerFor(cert, implicit, sig)},
	})
}

// indirectData is the DER of the SpcIndirectDataContent for an image
// hash: SpcPeImageData with the customary "<<<Obsolete>>>" file link, and
// the SHA-256 DigestInfo.
func indirectData(imageHash []byte) ([]byte, error) {
	obsolete := utf16.Encode([]rune("<<<Obsolete>>>"))
	bmp := make([]byte, 2*len(obsolete))
	for i, r := range obsolete {
		binary.BigEndian.PutUint16(bmp[2*i:], r)
	}
	unicode := asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, Bytes: bmp}
	file, err := explicit(2, unicode)
	if err != nil {
		return nil, err
	}
	link, err := explicit(0, file)
	if err != nil {
		return nil, err
	}
	peData, err := asn1.Marshal(struct {
		Flags asn1.BitString
		File  asn1.RawValue
	}{asn1.BitString{}, link})
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(struct {
		Data struct {
			Type  asn1.ObjectIdentifier
			Value asn1.RawValue
		}
		MessageDigest cms.DigestInfo
	}{
		Data: struct {
			Type  asn1.ObjectIdentifier
			Value asn1.RawValue
		}{oidSpcPEImageData, asn1.RawValue{FullBytes: peData}},
		MessageDigest: cms.DigestInfo{Algorithm: cms.SHA256, Digest: imageHash},
	})
}

// explicit wraps v in a context-specific constructed tag.
func explicit(tag int, v asn1.RawValue) (asn1.RawValue, error) {
	b, err := asn1.Marshal(v)
	if err != nil {
		return asn1.RawValue{}, err
	}
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: tag, IsCompound: true, Bytes: b}, nil
}

// signedAttributes is the DER SET of the signed attributes: content type,
// the statement type (individual code signing) and an empty program
// description, as sbsign writes them, and the message digest; sorted by
// their encoding, as DER requires of a SET OF.
func signedAttributes(digest []byte) ([]byte, error) {
	var enc [][]byte
	add := func(oid asn1.ObjectIdentifier, v any) error {
		b, err := asn1.Marshal(v)
		if err != nil {
			return err
		}
		a, err := asn1.Marshal(attribute{oid, asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: b}})
		if err != nil {
			return err
		}
		enc = append(enc, a)
		return nil
	}
	for _, e := range []error{
		add(oidContentType, oidSpcIndirectData),
		add(oidSpcStatementType, []asn1.ObjectIdentifier{oidIndividualCode}),
		add(oidSpcSpOpusInfo, struct{}{}),
		add(oidMessageDigest, digest),
	} {
		if e != nil {
			return nil, e
		}
	}
	slices.SortFunc(enc, bytes.Compare) // DER orders a SET OF by encoding
	return asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: bytes.Join(enc, nil)})
}

// checksum is the PE image checksum of data, whose CheckSum field is
// zero: the sum of its 16-bit words, carries folded back in, plus its
// length.
func checksum(data []byte) uint32 {
	var sum uint64
	for i := 0; i+1 < len(data); i += 2 {
		sum += uint64(binary.LittleEndian.Uint16(data[i:]))
		sum = (sum & 0xffff) + (sum >> 16)
	}
	if len(data)%2 == 1 {
		sum += uint64(data[len(data)-1])
		sum = (sum & 0xffff) + (sum >> 16)
	}
	return uint32(sum&0xffff) + uint32(len(data))
}
