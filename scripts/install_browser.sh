#!/usr/bin/env bash
# Installs what the browser test of the web page (tests/web/run_page_test.sh) needs: Debian's
# chromium and ffmpeg (when missing) and puppeteer-core in tests/web/node_modules. Idempotent;
# uses sudo when not run as root. Needs node and npm (Debian's nodejs and npm packages).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

missing=()
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing+=(chromium)
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

# puppeteer-core drives the system chromium (it downloads no browser). Its version is pinned in
# tests/web/package.json: the last line that runs on Debian 12's node 18/20 (25.x wants node 22).
if [ -f "$ROOT/tests/web/node_modules/puppeteer-core/package.json" ] &&
   [ "$(node -p "require('$ROOT/tests/web/node_modules/puppeteer-core/package.json').version")" = \
     "$(node -p "require('$ROOT/tests/web/package.json').devDependencies['puppeteer-core']")" ]; then
  echo "puppeteer-core is installed in tests/web/node_modules"
else
  npm install --prefix "$ROOT/tests/web" --no-package-lock --no-audit --no-fund
fi
chromium --version 2>/dev/null || chromium-browser --version
echo "ready: tests/web/run_page_test.sh build/apps/emomusic/emomusic"
