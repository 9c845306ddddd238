# Patient Hub. `make test` is what CI runs (after .ci/run has set up PostgreSQL and Chromium).
GO ?= go

.PHONY: build test test-short vet fmt bench run clean

build:
	$(GO) build -o bin/patienthub ./cmd/patienthub

# The whole suite: store tests on SQLite always and on PostgreSQL when PATIENTHUB_TEST_POSTGRES_URL
# is set; browser tests when Chromium is installed. With CI=true both are required.
test: vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) test -race -count=1 -timeout 20m ./...

# Quick feedback while developing: no race detector, no browser tests.
test-short:
	$(GO) test -short -count=1 ./...

vet:
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

# Load benchmark: seeds BENCH_PATIENTS (default 100000) patients, starts the hub, signs a patient
# in and compares the appointments page with a static asset. See README "Performance".
bench:
	$(GO) run ./cmd/patienthub-bench

run:
	$(GO) run ./cmd/patienthub serve --demo

clean:
	rm -rf bin data
