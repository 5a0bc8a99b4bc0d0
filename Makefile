# Depot: `make run` starts the catalog on an embedded store; `make test` runs every test.
# Both install what they need first (scripts/deps: apt packages from scripts/apt-packages.txt, only when missing).

PORT ?= 8080
HOST ?= 127.0.0.1
DEPOT_HOME ?= .depot
SWIFT ?= swift
RELEASE_BIN := .build/release

.PHONY: all deps build release run test bench fuzz clean

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

# Fuzzing: libFuzzer + AddressSanitizer over every reader (see Sources/DepotFuzzing). Seeds come from
# scripts/fuzz-seeds.py (real installers plus structure-aware hostile shapes); new corpus entries stay in
# .build/fuzz/corpus, crashers land in .build/fuzz/crashers/<target>/ — copy each into
# Tests/InspectionTests/FuzzRegressions/<target>/ so `make test` replays it. Example:
#   make fuzz FUZZ_SECONDS=1800 FUZZ_TARGETS="cfb rpm"
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= zip cfb pe rpm deb xar xml iso cab tar
FUZZ_BUILD := .build/fuzz

fuzz: deps
	$(SWIFT) build --scratch-path $(FUZZ_BUILD) --product DepotFuzz \
		-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library
	python3 scripts/fuzz-seeds.py $(FUZZ_BUILD)/seeds
	@bash scripts/fuzz-run.sh "$(FUZZ_BUILD)" "$(FUZZ_SECONDS)" $(FUZZ_TARGETS)

clean:
	rm -rf .build
