# The two commands a new user runs: `make run` and `make test`. Both install what is
# missing first (scripts/bootstrap.sh, idempotent).
CARGO ?= cargo
DEMO_LIBRARY ?= target/demo-library

.PHONY: run test bench fuzz bootstrap samples lint ui bindings e2e desktop

bootstrap:
	scripts/bootstrap.sh build

# The UI (Svelte + Vite) into ui/dist, which the desktop binary embeds.
ui:
	scripts/ui.sh build

# A fresh demo library from assets/samples, two campaigns cleared, pieces assembled and
# exported. With a display the desktop app then opens on it; without one the run stays
# headless and prints where the rendered ad is.
run: bootstrap ui
	$(CARGO) build --release -p chorus -p chorus-desktop
	$(CARGO) run --release --quiet --bin chorus -- --library $(DEMO_LIBRARY) demo --samples assets/samples --render
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  echo "Opening Chorus on $(DEMO_LIBRARY)…"; \
	  target/release/chorus-desktop --library "$(abspath $(DEMO_LIBRARY))"; \
	else \
	  echo "No display: the desktop app was not opened (the demo above ran headless)."; \
	fi

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test:
	scripts/bootstrap.sh test
	scripts/ui.sh test
	$(MAKE) lint
	$(CARGO) test --workspace --lib --tests --benches
	scripts/e2e.sh

# Only the desktop end-to-end tests (builds what they need).
e2e: ui
	scripts/e2e.sh

# Rewrites ui/src/lib/bindings.ts from the Rust types (commit the result).
bindings:
	UPDATE_BINDINGS=1 $(CARGO) test -p chorus-desktop --lib bindings_check

bench:
	scripts/bootstrap.sh bench
	scripts/ui.sh build
	$(CARGO) build --release -p chorus -p chorus-desktop
	scripts/bench.sh
	BENCH_RENDER_TRANSITIONS=1 BENCH_RENDER_LENGTHS=1 scripts/bench-render.sh
	scripts/bench-platforms.sh
	scripts/bench-credentials.sh
	scripts/bench-desktop.sh
	scripts/bench-preview.sh

# The whole hostile corpus, file by file, then cargo-fuzz for FUZZ_MINUTES (default 5).
fuzz:
	scripts/bootstrap.sh bench
	$(CARGO) build --release --bin chorus
	scripts/fuzz.sh

# Regenerate the demo submissions and bad fixtures (needs ffmpeg, exiftool, python3).
samples:
	scripts/make-samples.sh
