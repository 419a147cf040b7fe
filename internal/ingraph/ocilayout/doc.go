// Package ocilayout writes root file systems as an OCI image layout
// (image-spec v1.1): the oci-layout file, index.json and a blobs/sha256
// store, one single-layer image per platform, and optionally an SPDX SBOM
// attached to each image as an artifact manifest.
//
// It is cairn's one OCI writer. The helper writes recipes' images from
// root file systems on disk ([Write]); `make frontend-image` writes the
// gateway frontend's image, one binary per platform given in memory with
// its own entrypoint and labels ([WriteFiles], [Options.Config]), and
// also as one tar, an OCI archive ([WriteArchive]).
//
// cairn's outputs must be bit-for-bit reproducible, and an image's digest
// is its identity, so nothing here may depend on the host or the clock.
// The layer is the deterministic tar of internal/ingraph/archive (entries
// sorted, every mtime set to the epoch, no user or group names) but,
// unlike cairn's other archives, keeps each file's numeric owner and
// mode, and its extended attributes: a root file system's files belong
// to many users, and some programs (ping) need file capabilities, which
// live in the security.capability attribute. (Files given in memory
// belong to root.) It is gzip-compressed with a fixed level and a header
// carrying no name and no time. Every JSON document is written compactly
// with its keys in sorted order, so equal inputs always give equal bytes
// and digests. Directories are made with mode 0755 whatever the umask,
// so the layout's archive does not depend on it either.
//
// Each image is a manifest whose descriptor carries its platform. With an
// SBOM, each image also gets an artifact manifest (artifactType
// application/spdx+json, empty config, the SBOM as its only layer,
// subject the image's manifest), in the same order.
//
// For one image, index.json lists its manifest, annotated with
// org.opencontainers.image.ref.name when a reference name is given, then
// its SBOM artifact, unannotated, so that the name resolves to exactly
// one manifest: umoci, which cannot choose among several manifests
// under one name, unpacks it.
//
// For several images, index.json holds exactly one descriptor, carrying
// the reference name: a nested image index listing the platform
// manifests in the order given and then the SBOM artifacts (no platform,
// no annotation). That is the layout of docker buildx's OCI exporter,
// which also keeps its attestations inside the nested index. One entry
// means tools need no reference name at all (skopeo's "oci:DIR"), and
// platform selection ("skopeo inspect", "skopeo copy --all") sees every
// platform under one name. The SBOMs live inside that index, rather than
// as further index.json entries, because that keeps index.json to one
// entry and makes "skopeo copy --all" carry them along with the images;
// they stay reachable from index.json, so garbage collectors (umoci gc)
// keep them and OCI 1.1 referrer lookups that walk the layout's graph
// (subject -> artifact) find them.
package ocilayout
