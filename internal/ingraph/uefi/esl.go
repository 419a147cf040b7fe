package uefi

import (
	"crypto/x509"
	"encoding/binary"
	"fmt"
)

// SignatureLists is the EFI_SIGNATURE_LIST form of X.509 certificates
// (DER), one list per certificate as efitools' cert-to-efi-sig-list and
// edk2 write them: the contents of a PK, KEK or db variable, and of a
// .esl file. Each signature's owner is derived from its certificate.
func SignatureLists(certs [][]byte) ([]byte, error) {
	var out []byte
	for _, der := range certs {
		if _, err := x509.ParseCertificate(der); err != nil {
			return nil, fmt.Errorf("not an X.509 certificate: %w", err)
		}
		owner := ownerOf(der)
		sigSize := 16 + len(der)
		list := make([]byte, 28, 28+sigSize)
		copy(list, certX509[:])
		binary.LittleEndian.PutUint32(list[16:], uint32(28+sigSize))
		binary.LittleEndian.PutUint32(list[20:], 0)
		binary.LittleEndian.PutUint32(list[24:], uint32(sigSize))
		list = append(list, owner[:]...)
		list = append(list, der...)
		out = append(out, list...)
	}
	return out, nil
}
