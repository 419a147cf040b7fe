# cairn — see README.md. Every target that needs the machine set up calls
# `setup` itself, so `make demo` and `make test` work on a fresh Debian box.

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
REPRO     := -trimpath -buildvcs=false
LDFLAGS   := -s -w -buildid=
HELPERDIR := internal/host/helperbin/bin
ARCHES    := amd64 arm64
# Debian packages the build and the tests use: the engine's runtime, foreign
# arches through qemu-user, and the independent witnesses of image formats.
APT_PKGS  := runc qemu-user-static binfmt-support git tar cpio xorriso mtools \
             dosfstools e2fsprogs fdisk gdisk squashfs-tools genisoimage zstd xz-utils \
             bmap-tools skopeo umoci libcap2-bin kmod gnupg openssl sbsigntool softhsm2 opensc openssh-client lintian diffoscope-minimal \
             qemu-system-x86 qemu-system-arm ovmf qemu-efi-aarch64 busybox-static python3-rpm rpm createrepo-c dnf
TEST_TIMEOUT ?= 75m
# The peers make bench times: mmdebstrap (an sbuild-like package build) and
# the kernel's build tools on the host (plain make).
BENCH_PKGS := mmdebstrap arch-test make gcc bison flex bc libelf-dev libssl-dev

export CGO_ENABLED := 0

.PHONY: all build helper setup apt binfmt buildkitd test unit integration demo bench bench-peers bench-pkgs lint docs clean

all: build

## build: bin/cairn with the in-graph helpers embedded (static, reproducible)
build: helper
	$(GO) build $(REPRO) -ldflags '$(LDFLAGS) -X github.com/cairn-build/cairn/internal/host/cli.Version=$(VERSION)' -o bin/cairn ./cmd/cairn

## helper: the in-graph helper for each arch; same code -> same bytes
helper:
	@for a in $(ARCHES); do \
	  GOOS=linux GOARCH=$$a $(GO) build $(REPRO) -ldflags '$(LDFLAGS)' -o $(HELPERDIR)/cairn-helper-linux-$$a ./cmd/cairn-helper || exit 1; \
	done

## setup: idempotent machine setup (apt packages, binfmt for arm64, buildkitd)
setup: apt binfmt buildkitd

apt:
	@missing=$$(for p in $(APT_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "setup: installing $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

binfmt: apt
	@[ -e /proc/sys/fs/binfmt_misc/status ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
	@[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable >/dev/null 2>&1 || true
	@[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64
	@grep -q enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 || { echo "setup: binfmt handler qemu-aarch64 is disabled"; exit 1; }

## buildkitd: bin/buildkitd (and bin/buildctl) from the BuildKit module pinned in go.mod
buildkitd:
	@want=$$($(GO) list -m -f '{{.Version}}' github.com/moby/buildkit); \
	have=$$(cat bin/.buildkit-version 2>/dev/null); \
	if [ "$$want" != "$$have" ] || [ ! -x bin/buildkitd ] || [ ! -x bin/buildctl ]; then \
	  echo "setup: building buildkitd $$want"; \
	  $(GO) build $(REPRO) -o bin/buildkitd github.com/moby/buildkit/cmd/buildkitd && \
	  $(GO) build $(REPRO) -o bin/buildctl github.com/moby/buildkit/cmd/buildctl && \
	  echo $$want > bin/.buildkit-version; \
	fi

## test: everything, on a real engine (unit, golden, integration)
test: setup build
	CAIRN_BIN=$(CURDIR)/bin/cairn CAIRN_BUILDKITD=$(CURDIR)/bin/buildkitd \
	  $(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...

## demo: build the flagship example into ./out
demo: setup build
	bin/cairn build -f examples/hello/cairn.star -o out --progress plain
	bin/cairn build -f examples/container/cairn.star -o out/container --locked --progress plain
	bin/cairn build -f examples/edge/cairn.star -o out/edge --locked --progress plain rpi4 qemu iso \
	  iso-sb qemu-sb sb-vars-amd64 sb-vars-arm64 --secret id=edge-db-key,src=examples/edge/keys/db.key
	bin/cairn build -f examples/packages/cairn.star -o out/packages --locked --progress plain system
	@echo "demo: boot one with: bin/cairn vm -f examples/edge/cairn.star -o out/edge --locked qemu (Ctrl-A X quits; docs/loop.md)"

## bench: the performance table (each measure against its peer, min and
## median of alternating runs, ratios and goals; ~19 min on 2 cores) after
## the in-process micro-benchmarks
bench: setup build bench-pkgs
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./stdlib/ ./cmd/cairn-helper/ ./internal/host/cli/
	CAIRN_BIN=$(CURDIR)/bin/cairn CAIRN_BUILDKITD=$(CURDIR)/bin/buildkitd \
	  $(GO) test -run '^$$' -bench '^BenchmarkTable$$' -benchtime 1x -count 1 -timeout 60m ./cmd/cairn/

## bench-peers: whole builds against the tools they replace (hello against
## an sbuild-like pipeline, a kernel against plain make; about 40 min)
bench-peers: setup build bench-pkgs
	CAIRN_BIN=$(CURDIR)/bin/cairn CAIRN_BUILDKITD=$(CURDIR)/bin/buildkitd \
	  $(GO) test -run '^$$' -bench 'VsSbuild|VsMake|VsMmdebstrap|CachedBuild' -count 1 -timeout 90m ./cmd/cairn/

bench-pkgs:
	@missing=$$(for p in $(BENCH_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "bench: installing $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

## lint: formatting, vet, and the layer direction
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); [ -z "$$out" ] || { echo "gofmt needed:"; echo "$$out"; exit 1; }
	$(GO) vet ./...
	$(GO) test -count=1 -run TestLayers ./internal/layers/

## docs: regenerate docs/reference.md and the editors' stubs from the builtin table
docs:
	$(GO) run ./cmd/cairn docs > docs/reference.md
	$(GO) run ./cmd/cairn docs --stubs > docs/editors/cairn_builtins.py

clean:
	rm -rf bin out $(HELPERDIR)/cairn-helper-*
include frontend.mk
