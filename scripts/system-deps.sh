#!/usr/bin/env bash
# Installs the Debian packages srp needs beside Python: fonts that cover the family languages in
# PDFs (Latin, Cyrillic, Arabic, Chinese), poppler for PDF checks, gettext for translations and
# Chromium for the browser tests. Does nothing when they are present.
set -euo pipefail
packages=(chromium poppler-utils gettext fonts-dejavu-core fonts-noto-core fonts-wqy-microhei)
# npm installs axe-core for the accessibility checks; Node.js may come from elsewhere already.
command -v npm >/dev/null || packages+=(nodejs npm)
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
