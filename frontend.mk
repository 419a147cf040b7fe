# The BuildKit gateway frontend (cmd/cairn-frontend) and its image; see
# docs/ci.md. Included from the Makefile.

FRONTEND_IMAGE ?= bin/frontend-image
FRONTEND_TAR   ?= bin/cairn-frontend.oci.tar
# The frontend tests (cmd/cairn) use the image `make test` builds first.
export CAIRN_FRONTEND_IMAGE ?= $(CURDIR)/$(FRONTEND_IMAGE)
# The frontend and cache tests push to a registry they start on loopback.
APT_PKGS += docker-registry

.PHONY: frontend frontend-image

## frontend: bin/cairn-frontend-linux-{amd64,arm64}, static, helpers embedded
frontend: helper
	@for a in $(ARCHES); do \
	  GOOS=linux GOARCH=$$a $(GO) build $(REPRO) -ldflags '$(LDFLAGS)' -o bin/cairn-frontend-linux-$$a ./cmd/cairn-frontend || exit 1; \
	done

## frontend-image: the frontend as an OCI image layout and OCI archive (scratch + /bin/cairn-frontend), reproducible
frontend-image: frontend
	$(GO) run ./cmd/cairn-frontend/internal/mkimage -o $(FRONTEND_IMAGE) -tar $(FRONTEND_TAR) \
	  $(foreach a,$(ARCHES),linux/$(a)=bin/cairn-frontend-linux-$(a))
	@echo "frontend-image: $(FRONTEND_IMAGE) $$(sed 's/.*"digest":"\([^"]*\)".*/\1/' $(FRONTEND_IMAGE)/index.json)"

test: frontend-image
