# Pythia's make targets. `make test` installs and starts everything the
# tests need (see tools/ci/test.sh); `make build` builds ./bin/pythia.
GO ?= go

.PHONY: build test vet contracts docker

build:
	$(GO) build -o bin/pythia ./core

test:
	bash tools/ci/test.sh

vet:
	$(GO) vet ./...

# Recompiles the Solidity contracts with the pinned solc and regenerates the
# Go bindings from the fresh artifacts.
contracts:
	bash evm-contracts/build.sh

docker:
	docker build -t pythia .
