#!/usr/bin/env bash
# Debian packages cnnc's full test suite needs: the X11/GL headers that let npm build gpu.js's
# optional `gl` (headless WebGL), Xvfb (the virtual display it runs under), and PyTorch with
# torchvision for /usr/bin/python3 (the oracle the tests compare with). Idempotent.
set -euo pipefail
PACKAGES=(xvfb xauth libxi-dev libglu1-mesa-dev libglew-dev pkg-config libgl1-mesa-dri build-essential python3 python3-torch python3-torchvision chromium)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: all packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup-system: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
