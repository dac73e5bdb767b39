#!/usr/bin/env bash
# `npm start`: the console on its embedded default (PGlite under .data/, worker in-process),
# or on PostgreSQL when DATABASE_URL is set. Installs and builds what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# Rebuild when there is no build yet or any source is newer than it.
if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components server db public next.config.js package-lock.json -newer .next/BUILD_ID -type f -print -quit 2>/dev/null)" ]; then
  echo "start: building the console (next build)"
  npx next build
fi

export PORT="${PORT:-3000}"
exec npx next start -p "$PORT"
