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

.PHONY: e2e
e2e: ## browser journeys in headless Chromium (part of make test too)
	$(GO) test -race -count=1 ./e2e/

.PHONY: lint
lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

.PHONY: clean
clean: ## remove build output and the local SQLite database
	rm -rf bin kamrat.db kamrat.db-shm kamrat.db-wal
