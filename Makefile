# Depot: `make run` starts the catalog on an embedded store; `make test` runs every test.
# Both install what they need first (scripts/deps: apt packages from scripts/apt-packages.txt, only when missing).

PORT ?= 8080
HOST ?= 127.0.0.1
DEPOT_HOME ?= .depot
SWIFT ?= swift
RELEASE_BIN := .build/release

.PHONY: all deps build release run test bench clean

all: build

deps:
	@bash scripts/deps

build: deps
	$(SWIFT) build --product depot

release: deps
	$(SWIFT) build -c release --product depot

run: release
	@$(RELEASE_BIN)/depot init --home "$(DEPOT_HOME)"
	@echo "Get an API token:   $(RELEASE_BIN)/depot users token admin --as admin --home $(DEPOT_HOME)"
	@echo "Then try:           curl -H 'Authorization: Bearer TOKEN' http://$(HOST):$(PORT)/api/v1/catalog"
	@$(RELEASE_BIN)/depot serve --home "$(DEPOT_HOME)" --host "$(HOST)" --port "$(PORT)"

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: deps
	$(SWIFT) build -c release --product depot
	$(SWIFT) build -c release --product DepotBench
	$(RELEASE_BIN)/DepotBench

clean:
	rm -rf .build
