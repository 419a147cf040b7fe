package uefi

import (
	"crypto/sha256"

	"github.com/cairn-build/cairn/internal/ingraph/guid"
)

// efiGUID is a GUID in its on-disk (EFI_GUID) byte order.
type efiGUID = [16]byte

func efi(s string) efiGUID { return guid.MustParse(s).Disk() }

// ownerOf is the signature owner cairn writes for a certificate: derived
// from it, so a store never holds a random GUID.
func ownerOf(der []byte) efiGUID {
	return guid.FromHash(sha256.Sum256(append([]byte("cairn-uefi:signature-owner:"), der...))).Disk()
}

// GUIDs the variable store and signature lists use (UEFI 2.10, edk2).
var (
	globalVariable     = efi("8be4df61-93ca-11d2-aa0d-00e098032b8c")
	imageSecurityDB    = efi("d719b2cb-3d3a-4596-a3bc-dad00e67656f")
	secureBootEnable   = efi("f0a30bc7-af08-4556-99c4-001009c93a44")
	customModeEnable   = efi("c076ec0c-7028-4399-a072-71ee5c448b9f")
	certX509           = efi("a5c059a1-94e4-4aa7-87b5-ab155c2bf072")
	systemNvDataFv     = efi("fff12b8d-7696-4c8b-a985-2747075b4f50")
	authenticatedStore = efi("aaf32c78-947b-439a-a180-2e144ec37792")
	plainStore         = efi("ddcf3616-3275-4164-98b6-fe85707ffe7d")
)
