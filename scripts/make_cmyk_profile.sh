#!/usr/bin/env bash
# Make the brochure's CMYK output profile, layouts/brochure/profiles/FOGRA39L-coated.icc,
# from FOGRA's FOGRA39 characterisation data (Debian's icc-profiles-free) with ArgyllCMS.
# The profile is committed: run this only to reproduce or change it (about 30 s).
# Also copies the data's licence next to it as LICENSE-FOGRA39L.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=layouts/brochure/profiles
DATA=/usr/share/color/icc/FOGRA39L.ti3
DESCRIPTION="FOGRA39L coated (FOGRA39 characterisation data, icc-profiles-free; ArgyllCMS colprof)"
COPYRIGHT="No copyright claimed on the profile. Made with ArgyllCMS colprof from FOGRA39L.ti3 (FOGRA39 characterisation data by Fogra; Debian icc-profiles-free, (c) Kai-Uwe Behrmann, Zlib licence)"

missing=()
for package in icc-profiles-free argyll; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$DATA" "$work/FOGRA39L.ti3"
# -qm: medium quality; -kr: ramp black generation (ArgyllCMS default); no ink limit is set here
# (the data carries none): pressroom.colour caps total ink itself.
(cd "$work" && colprof -v -qm -kr -D "$DESCRIPTION" -C "$COPYRIGHT" FOGRA39L) | tail -n 1

mkdir -p "$OUT"
cp "$work/FOGRA39L.icc" "$OUT/FOGRA39L-coated.icc"
cp /usr/share/doc/icc-profiles-free/copyright "$OUT/LICENSE-FOGRA39L.txt"
echo "Wrote $OUT/FOGRA39L-coated.icc ($(stat -c %s "$OUT/FOGRA39L-coated.icc") bytes)"
