#!/usr/bin/env bash
# Installs the Debian packages fedtune's tests use (run as root, or through sudo):
# - dataset-fashion-mnist: the full Fashion-MNIST set, so the data tests check the real files;
# - chromium: the report test opens the generated HTML in a real headless browser.
# Packages already present are left alone, so a second run costs nothing.
set -euo pipefail

packages=(dataset-fashion-mnist chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" != "0" ]; then
  echo "install-system-deps: missing Debian packages: ${missing[*]}; run this script as root (sudo)." >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
echo "install-system-deps: installed ${missing[*]}"
