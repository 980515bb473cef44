#!/usr/bin/env bash
# Installs the Debian packages fedtune's tests use (run as root, or through sudo):
# - dataset-fashion-mnist: the full Fashion-MNIST set, so the data tests check the real files;
# - fortunes fortunes-de fortunes-es fortunes-it fortunes-pl fortunes-cs fortunes-ru: the text
#   collections the language tasks and the transformer base use (/usr/share/games/fortunes);
# - chromium: the report test and the gpu.js WebGL2 test run in a real headless browser;
# - build-essential python3 pkg-config libx11-dev libxi-dev libxext-dev: npm compiles headless-gl
#   (gpu.js's Node GPU binding) from source, as no prebuilt binary can be downloaded;
# - xvfb xauth: headless-gl needs an X display, even a virtual one;
# - python3-torch: PyTorch, the independent numeric reference the model tests compare against;
# - redis-server openssl: the queue tests (@fedtune/queue, fedtune worker) start their own Redis on a
#   free port, one of them serving TLS with a certificate openssl makes.
# Packages already present are left alone, so a second run costs nothing.
set -euo pipefail

packages=(dataset-fashion-mnist fortunes fortunes-de fortunes-es fortunes-it fortunes-pl fortunes-cs fortunes-ru chromium build-essential python3 pkg-config libx11-dev libxi-dev libxext-dev xvfb xauth python3-torch redis-server openssl)
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
