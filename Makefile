# Kamrat — make help lists the targets.
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## build ./bin/kamrat
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/kamrat ./cmd/kamrat

.PHONY: run
run: ## run Kamrat on the embedded SQLite database (./kamrat.db) at http://127.0.0.1:8080
	$(GO) run ./cmd/kamrat serve

GOTESTSUM := $(GO) tool -modfile=.ci/tools/go.mod gotestsum

.PHONY: test
test: ## run every test with -race; PostgreSQL too when KAMRAT_TEST_DATABASE_URL is set (skipped tests are listed)
	@if [ -z "$$KAMRAT_TEST_DATABASE_URL" ]; then \
	  echo "note: KAMRAT_TEST_DATABASE_URL is not set: PostgreSQL tests are skipped (make test-pg runs them)"; fi
	$(GOTESTSUM) --format pkgname-and-test-fails --format-hide-empty-pkg -- -race -count=1 ./...

.PHONY: test-pg
test-pg: ## run every test on SQLite and on the local PostgreSQL (postgres@127.0.0.1:5432; PG_TEST_URL=… for another)
	KAMRAT_TEST_DATABASE_URL='$(PG_TEST_URL)' $(MAKE) --no-print-directory test

# The fuzz targets, package:Target, each run for FUZZTIME after its seed
# corpus and testdata/fuzz (which plain go test runs too).
FUZZTIME ?= 10s
FUZZ_TARGETS := \
  tenants:FuzzOrganisationNumber tenants:FuzzHSAID tenants:FuzzParseUnitCSV tenants:FuzzInstrumentScore \
  tenants:FuzzParseDate tenants:FuzzDashboardFilter \
  ui:FuzzDecodeJSON ui:FuzzDecodeJSONContentType ui:FuzzFormID ui:FuzzDashboardFilterQuery ui:FuzzLocalPath ui:FuzzPageQuery \
  policy:FuzzRequireKeyID policy:FuzzCheckIssuedAt

# Go before 1.27 can end a timed run with a bare "context deadline exceeded"
# and no failing input (go.dev/issue/75804); that is not a finding. A failing
# input is written to testdata/fuzz/<target>/ and fails the run.
.PHONY: fuzz
fuzz: ## run every fuzz target for FUZZTIME (default 10s), one after another
	@set -eo pipefail; log=$$(mktemp); trap 'rm -f "$$log"' EXIT; \
	for t in $(FUZZ_TARGETS); do \
	  echo "fuzz: ./$${t%%:*} $${t#*:} for $(FUZZTIME)"; \
	  if ! $(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) ./$${t%%:*} 2>&1 | tee "$$log"; then \
	    if grep -qx '    context deadline exceeded' "$$log" && ! grep -q 'Failing input written' "$$log"; then \
	      echo "fuzz: $${t#*:}: Go's end-of-fuzztime race (go.dev/issue/75804), no failing input: not a finding"; \
	    else exit 1; fi; \
	  fi; \
	done

# The load benchmark (bench/load): wrk against a bare fiber handler, the
# referral inbox API and the dashboard page on national-scale data from
# kamrat seed, on SQLite and PostgreSQL; then the job benchmark. Both
# print ratio lines. BENCH_FLAGS passes flags to bench/load (-h lists them).
BENCH_FLAGS ?=
.PHONY: bench
bench: build ## load benchmark (needs wrk) and job benchmark on SQLite and PostgreSQL; prints the ratio lines (about 15 min)
	$(GO) run ./bench/load -kamrat bin/kamrat -postgres-url '$(PG_TEST_URL)' $(BENCH_FLAGS)
	KAMRAT_TEST_DATABASE_URL='$(PG_TEST_URL)' $(GO) test ./jobs -run '^$$' -bench BenchmarkJobThroughput -benchtime=3x -timeout 30m

.PHONY: e2e
e2e: ## browser journeys in headless Chromium (part of make test too)
	$(GO) test -race -count=1 ./e2e/

.PHONY: lint
lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# Helm, for the chart checks: built from source at a pinned version, with the version and
# Kubernetes version (1.$(HELM_K8S_MINOR), from that Helm's client-go) its release build sets,
# and cached outside the checkout, keyed by version: the first build takes minutes.
HELM_VERSION ?= v3.22.0
HELM_K8S_MINOR ?= 37
HELM_BIN := $(HOME)/.cache/kamrat-ci/helm-$(HELM_VERSION)/helm
HELM ?= $(HELM_BIN)
export KAMRAT_HELM ?= $(HELM)
HELM_LDFLAGS := -s -w -X helm.sh/helm/v3/internal/version.version=$(HELM_VERSION) \
  $(foreach p,pkg/lint/rules pkg/chartutil,-X helm.sh/helm/v3/$(p).k8sVersionMajor=1 -X helm.sh/helm/v3/$(p).k8sVersionMinor=$(HELM_K8S_MINOR))

$(HELM_BIN):
	@echo "installing helm $(HELM_VERSION) into $(dir $@) (once per version; a few minutes)"
	GOBIN=$(dir $@) $(GO) install -ldflags '$(HELM_LDFLAGS)' helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)

.PHONY: chart
chart: $(filter $(HELM_BIN),$(HELM)) ## helm lint and template charts/kamrat (defaults, and every option on), then its tests
	$(HELM) lint --strict charts/kamrat
	$(HELM) lint --strict charts/kamrat -f charts/kamrat/ci/all-on-values.yaml
	$(HELM) template kamrat charts/kamrat >/dev/null
	$(HELM) template kamrat charts/kamrat -f charts/kamrat/ci/all-on-values.yaml >/dev/null
	KAMRAT_HELM='$(HELM)' $(GO) test -count=1 ./charts

DOCKER ?= docker
IMAGE ?= kamrat:$(VERSION)

.PHONY: docker
docker: ## build the container image kamrat:VERSION from the Dockerfile (IMAGE=… to name it; needs a Docker daemon)
	$(DOCKER) build --build-arg VERSION='$(VERSION)' -t '$(IMAGE)' .

.PHONY: clean
clean: ## remove build output and the local SQLite database
	rm -rf bin kamrat.db kamrat.db-shm kamrat.db-wal
