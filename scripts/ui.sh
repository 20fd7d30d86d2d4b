#!/usr/bin/env bash
# Installs the UI's npm packages when missing or out of date (from the lock file only),
# then builds ui/dist, or also type-checks and unit-tests it (`test`).
set -euo pipefail
cd "$(dirname "$0")/../ui"

stamp=node_modules/.chorus-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "ui: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

case "${1:-build}" in
  build) npm run --silent build ;;
  test)
    npm run --silent check
    npm test --silent
    npm run --silent build ;;
  *) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac
