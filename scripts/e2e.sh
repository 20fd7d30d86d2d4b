#!/usr/bin/env bash
# Desktop end-to-end tests: builds the app (debug, with ui/dist embedded), starts a virtual
# display and tauri-driver on it, and runs tests/e2e/*.test.mjs against the real window.
# Screenshots go to target/e2e-shots/ (the tests print each path).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target="${CARGO_TARGET_DIR:-$root/target}"
export PATH="$HOME/.cargo/bin:$PATH"

[ -f ui/dist/index.html ] || scripts/ui.sh build
cargo build --quiet -p chorus-desktop -p chorus --bin chorus-desktop --bin chorus

(
  cd tests/e2e
  stamp=node_modules/.chorus-lock
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
)

work=$(mktemp -d)
trap '[[ -n "${E2E_KEEP:-}" ]] || rm -rf "$work"' EXIT
export CHORUS_E2E_APP="$target/debug/chorus-desktop"
export CHORUS_E2E_SHOTS="$root/target/e2e-shots"
export CHORUS_E2E_SAMPLES="$root/tests/fixtures/samples"
export CHORUS_E2E_BAD="$root/tests/fixtures/bad"
export CHORUS_E2E_PHONE="$root/tests/fixtures/phone"
export CHORUS_E2E_WORK="$work"
# The CLI, for tests that want a demo library of their own (untouched by earlier tests).
export CHORUS_E2E_CLI="$target/debug/chorus"
rm -rf "$CHORUS_E2E_SHOTS"
mkdir -p "$CHORUS_E2E_SHOTS"
# The demo library (campaigns, cleared assets, pieces) for the campaign screens' tests.
export CHORUS_E2E_DEMO="$work/demo-library"
"$target/debug/chorus" --library "$CHORUS_E2E_DEMO" demo --samples assets/samples >/dev/null

# tauri-driver must run on the same display as the app it launches.
xvfb-run -a -s "-screen 0 1600x1000x24" bash -c '
  tauri-driver --port 4444 >"$CHORUS_E2E_WORK/tauri-driver.log" 2>&1 &
  driver=$!
  # A second one whose apps see a dark desktop theme (WebKitGTK reads GTK_THEME for
  # prefers-color-scheme): the screens are checked and shot in both themes.
  GTK_THEME=Adwaita:dark tauri-driver --port 4446 --native-port 4447 >"$CHORUS_E2E_WORK/tauri-driver-dark.log" 2>&1 &
  dark=$!
  for port in 4444 4446; do
    for _ in $(seq 100); do
      curl -sf http://127.0.0.1:$port/status >/dev/null 2>&1 && break
      sleep 0.1
    done
  done
  cd tests/e2e
  set +e
  node --test --test-concurrency=1 --test-reporter=spec ${E2E_ONLY:-./*.test.mjs}
  rc=$?
  kill $driver $dark 2>/dev/null
  if [ $rc -ne 0 ]; then echo "--- tauri-driver log"; tail -50 "$CHORUS_E2E_WORK/tauri-driver.log"; fi
  exit $rc
'
