#!/usr/bin/env bash
# Installs the Debian 12 packages photoagent needs to build and test.
# Used by both README commands; a no-op when everything is present.
set -euo pipefail

packages=(
  cmake g++ make pkg-config ca-certificates curl
  libcli11-dev nlohmann-json3-dev libsqlitecpp-dev libsqlite3-dev
  libcurl4 libcurl4-openssl-dev libssl-dev libstb-dev libturbojpeg0-dev zlib1g-dev libarchive-dev libwebp-dev
  doctest-dev libcpp-httplib-dev
  clang libclang-rt-14-dev
  groff-base binutils
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "Installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
