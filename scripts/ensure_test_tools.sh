#!/usr/bin/env bash
# System tools the whole test suite needs, from Debian's packages:
# Chromium for the browser tests (Playwright never downloads a browser here;
# its headless shell, which Playwright runs headless, is a package of its own),
# Java for the Nu Html Checker, LibreOffice to open the spreadsheets we export.
set -euo pipefail
missing=()
[ -x /usr/lib/chromium/chromium ] || [ -n "${CHROMIUM_PATH:-}" ] || missing+=(chromium)
[ -x /usr/lib/chromium/chromium-headless-shell ] || [ -n "${CHROMIUM_PATH:-}" ] ||
  missing+=(chromium-headless-shell)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "Missing system packages: ${missing[*]} (install them with apt-get)." >&2
  exit 1
fi
echo "Installing ${missing[*]} from Debian's packages…"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
