#!/usr/bin/env bash
# `npm test`: the whole suite — typecheck, lint, unit tests, data-layer tests on PGlite and on
# PostgreSQL, then Playwright against a production build in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
mkdir -p test-results

echo "== typecheck"; npm run typecheck
echo "== lint"; npm run lint
echo "== unit + integration (PGlite and PostgreSQL)"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
echo "== production build"; npx next build
echo "== end-to-end (Chromium)"
# The console under test runs on its embedded default: DATABASE_URL is for the data-layer tests only.
env -u DATABASE_URL npm run test:e2e

node scripts/summarize-tests.mjs test-results/vitest.json test-results/playwright.json
