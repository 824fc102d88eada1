# accord: acceptance and blackbox conformance harness for booking-platform partner integrations.
# make test runs two passes at once and needs pipefail.
SHELL   := /bin/bash
GO      ?= go
BIN     := bin/accord
REPORT  ?= out/report

.PHONY: all build run test unit bench bench-peer soak verify-fast fuzz vet clean image faults mutants

all: build

build:
	$(GO) build -o $(BIN) ./cmd/accord

## run: the full acceptance run (Docplanner, DIKIDI, Reach) against the bundled reference partners, no configuration needed
run: build
	./$(BIN) run --platform all --report-dir $(REPORT)

## test: every test, in two passes that each run every package: with the race detector, where the tests that
## only repeat a whole suite to judge a verdict (the fault catalogue, other start hours, larger fixtures, every
## platform's output scrubbed of secrets, the partner image) step aside (internal/racedetector); and without it,
## where every test runs (the fifty-partner load test at 50) and every benchmark once, so none rots unnoticed
## (make bench measures them; make faults scores the catalogue that TestEveryFaultIsCaught holds to its expectations).
## The two passes run at once, each line of their output marked with its pass: each ends on a long
## package (a platform's suite) that keeps one core busy while the other waits, so one after the other
## they took 10 minutes on two idle cores, and together they fit in the budget.
test: vet
	@log=$$(mktemp -d); \
	( set -o pipefail; $(GO) test -race -count=1 -timeout 9m ./... 2>&1 | sed -u 's/^/race  | /' | tee $$log/race ) & race=$$!; \
	( set -o pipefail; $(GO) test -count=1 -timeout 9m -bench . -benchtime 1x ./... 2>&1 | sed -u 's/^/plain | /' | tee $$log/plain ); plain=$$?; \
	wait $$race; race=$$?; \
	if [ $$race != 0 ] || [ $$plain != 0 ]; then \
	  echo "make test: what failed, once more (the two passes' lines are interleaved above):"; \
	  grep -h -A 12 -E '^(race  |plain )\| (--- FAIL|panic:|FAIL[[:space:]]|.*\[(build|setup) failed\])' $$log/race $$log/plain | head -200; \
	fi; \
	rm -rf $$log; \
	echo "make test: with the race detector: $$( [ $$race = 0 ] && echo ok || echo FAILED ); without it: $$( [ $$plain = 0 ] && echo ok || echo FAILED )"; \
	[ $$race = 0 ] && [ $$plain = 0 ]

## faults: every fault of every reference partner: which scenarios catch it, why, and the score (must be 100%)
faults: build
	./$(BIN) faults --platform all --run

## mutants: the suites measured by mutation: each platform's acceptance suite against every mutant of its reference
## partner, run as built by default, under each choice left open and as its alternative build (slow: not part of
## make test). The score is killed + timed out over all but equivalents and build failures (a timeout did not pass;
## timeouts are counted and listed apart). MUTANTS=N samples N a platform (MUTANTS_SEED picks them),
## MUTANTS_PLATFORM=P one platform, MUTANTS_JOBS builds at once. Every mutant's fate: out/mutants/<platform>.tsv (a sample: <platform>.sample.tsv)
## (go run ./internal/mutate/cmd -rescore reads them again after internal/mutate/equivalent.txt changes)
MUTANTS          ?= 0
MUTANTS_SEED     ?= 1
MUTANTS_PLATFORM ?= all
MUTANTS_JOBS     ?= 2
mutants:
	$(GO) run ./internal/mutate/cmd -platform $(MUTANTS_PLATFORM) -sample $(MUTANTS) -seed $(MUTANTS_SEED) -jobs $(MUTANTS_JOBS)

vet:
	$(GO) vet ./...

## bench: Go benchmarks (figures go into the closing notes)
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 -timeout 20m ./...

## bench-peer: the Docplanner mock's validated getSlots against a bare net/http handler writing the same answer, in
## one run over loopback (ratio; target >= 0.5), and against Prism PRISM_VERSION (default 5.14.2) on the mock's own
## document where npm can install it into PRISM_DIR (default ~/.cache/accord/prism-5.14.2; never into the repository)
bench-peer:
	GO=$(GO) ./internal/peerbench/bench-peer.sh

## soak: `accord mock docplanner --rate-limits off --quiet` under load for SOAK (default 5m): requests per second and
## resident memory minute by minute (targets: the last minute within 10 % of the first, < 50 MB growth after it)
SOAK ?= 5m
soak: build
	$(GO) run ./internal/peerbench/soak -bin $(BIN) -for $(SOAK)

## verify-fast: the spec package's fast paths (compiled router and checks) checked against kin-openapi on every
## request and answer of the spec tests, the mocks and every platform's suite: a disagreement panics (the load test
## of fifty partners is left out: every request is validated twice here)
verify-fast:
	$(GO) test -tags specverify -count=1 -timeout 20m -skip 'TestFiftyPartnersShareOneMock' ./internal/spec/ ./internal/mockserver/ ./mocks/... ./steps/...

## fuzz: every fuzz target of the tree for FUZZTIME each (their seed corpora also run in make test)
FUZZTIME ?= 30s
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$target"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

clean:
	rm -rf bin out

## image: the reference partner as a container image FROM scratch (the static binary; fixtures/image/Containerfile).
## The engine is the one accord's runs will use: podman when DOCKER_HOST names a podman socket, docker when a
## Docker engine answers, podman otherwise (IMAGE_ENGINE=docker|podman to choose).
IMAGE        ?= localhost/accord-reference-partner:dev
IMAGE_ENGINE ?= $(if $(findstring podman.sock,$(DOCKER_HOST)),podman,$(shell \
	if docker info >/dev/null 2>&1; then echo docker; elif command -v podman >/dev/null 2>&1; then echo podman; else echo docker; fi))
image:
	@mkdir -p out/image
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w' -o out/image/accord ./cmd/accord
	$(IMAGE_ENGINE) build -f fixtures/image/Containerfile -t $(IMAGE) out/image
