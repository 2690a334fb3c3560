#!/usr/bin/env bash
# Installs the Debian packages srp needs beside Python. Does nothing when they are present.
#   scripts/system-deps.sh            development and CI: everything below
#   scripts/system-deps.sh --runtime  a server or the container image: what the app itself needs
# Runtime: the libraries WeasyPrint draws PDFs with, fonts that cover the family languages in
# PDFs (Latin, Cyrillic, Arabic, Chinese), and the PostgreSQL client for scripts/backup.sh.
# Development adds poppler for PDF checks, gettext for translations, Chromium for the browser
# tests and Node.js for axe-core.
set -euo pipefail
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core
  fonts-wqy-microhei postgresql-client)
if [ "${1:-}" != "--runtime" ]; then
  packages+=(chromium poppler-utils gettext)
  # npm installs axe-core for the accessibility checks; Node.js may come from elsewhere already.
  command -v npm >/dev/null || packages+=(nodejs npm)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "Missing Debian packages: ${missing[*]} (run as root: apt-get install ${missing[*]})" >&2
    exit 1
  fi
else SUDO=""; fi
echo "Installing Debian packages: ${missing[*]}"
$SUDO apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
