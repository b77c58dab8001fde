#!/usr/bin/env bash
# Install what Pressroom needs on a Debian machine with Python 3.11+:
# Debian packages (Pango for WeasyPrint, HarfBuzz subsetting, Java for EPUBCheck, Chromium and
# Node.js for DAISY Ace and the reading-engine test), the Python packages into .venv/ and the
# Node packages (package-lock.json) into node_modules/, at the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pango for WeasyPrint, HarfBuzz for font subsetting, Java for EPUBCheck, Chromium for DAISY
# Ace and epub.js, and poppler-utils and Ghostscript, which the tests use as independent readers
# of the press files; fontconfig and the Noto faces the layouts' layout.yaml names for the
# scripts other than Latin, Greek and Cyrillic (Chinese, Japanese, Korean: fonts-noto-cjk;
# Arabic, Hebrew, Devanagari, Thai: fonts-noto-core).
DEBIAN_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 default-jre-headless
                 chromium poppler-utils ghostscript fontconfig fonts-noto-cjk fonts-noto-core)

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# Java may come from elsewhere than Debian's package; EPUBCheck only needs a java binary.
if command -v java >/dev/null; then
  missing=("${missing[@]/default-jre-headless}")
fi
# Likewise Node.js: any node with npm will do; Debian's packages otherwise.
command -v npm >/dev/null || missing+=(nodejs npm)
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if ((${#missing[@]})); then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"

# DAISY Ace, epub.js and puppeteer-core, exactly as package-lock.json says. Puppeteer's own
# browser download is skipped: Ace and the tests drive Debian's Chromium.
PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
echo "Setup done: .venv/ is ready."
