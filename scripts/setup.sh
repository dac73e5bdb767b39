#!/usr/bin/env bash
# Installs what the console needs on a fresh machine; cheap to re-run (does nothing when all is there).
#   scripts/setup.sh            npm packages
#   scripts/setup.sh --browser  plus Debian's Chromium for the end-to-end tests
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

# Chromium for Playwright (never a downloaded browser), and CJK fonts so that the zh-CN
# screenshots show characters rather than boxes.
if [ "${1:-}" = "--browser" ] && { [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ]; }; then
  echo "setup: installing Debian's chromium and fonts-noto-cjk"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
