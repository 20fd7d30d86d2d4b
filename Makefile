# The two commands a new user runs: `make run` and `make test`. Both install what is
# missing first (scripts/bootstrap.sh, idempotent).
CARGO ?= cargo
DEMO_LIBRARY ?= target/demo-library

.PHONY: run test bench fuzz bootstrap samples lint

bootstrap:
	scripts/bootstrap.sh build

# Until the desktop app lands, the demo runs headless: a fresh library from assets/samples,
# a campaign cleared and assembled, and the homepage hero rendered (its path is printed).
run: bootstrap
	$(CARGO) build --release --bin chorus
	$(CARGO) run --release --quiet --bin chorus -- --library $(DEMO_LIBRARY) demo --samples assets/samples --render

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings

test:
	scripts/bootstrap.sh test
	$(MAKE) lint
	$(CARGO) test --all-targets

bench:
	scripts/bootstrap.sh bench
	$(CARGO) build --release --bin chorus
	scripts/bench.sh

# The whole hostile corpus, file by file, then cargo-fuzz for FUZZ_MINUTES (default 5).
fuzz:
	scripts/bootstrap.sh bench
	$(CARGO) build --release --bin chorus
	scripts/fuzz.sh

# Regenerate the demo submissions and bad fixtures (needs ffmpeg, exiftool, python3).
samples:
	scripts/make-samples.sh
