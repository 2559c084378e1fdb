# Charter's developer commands. `make help` lists them.
GO ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHTIME ?= 2s

.PHONY: help run build test test-short bench lint generate fuzz

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: ## start charter serve with embedded defaults (REST on :8081, state in ./charter-data)
	$(GO) run ./cmd/charter serve

build: ## build the pure-Go charter binary into bin/
	CGO_ENABLED=0 $(GO) build -o bin/charter ./cmd/charter

test: ## run every test (PostgreSQL ones when CHARTER_TEST_DATABASE_URL is set)
	$(GO) test -race -count=1 -timeout 20m ./...

test-short: ## run the fast tests only
	$(GO) test -short -count=1 ./...

bench: ## run the Go benchmarks and the HTTP load run; figures go to BENCHMARKS.md
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...

lint: ## gofmt, go vet and staticcheck
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

generate: ## regenerate committed generated code
	$(GO) generate ./...
	$(GO) run github.com/bufbuild/buf/cmd/buf@v1.75.0 lint
	$(GO) run github.com/bufbuild/buf/cmd/buf@v1.75.0 generate
	gofmt -w registry/v1 catalog/v1
	$(GO) run github.com/a-h/templ/cmd/templ@v0.3.977 generate -path ui

fuzz: ## run each fuzz target briefly
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 10s $$pkg || exit 1; \
	  done; \
	done
