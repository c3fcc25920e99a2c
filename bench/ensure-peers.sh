#!/usr/bin/env bash
# Shared by bench/*/run.sh: builds Ham and its benchmark driver, and installs the PyTorch peer
# (Debian's python3-torch and python3-torchvision) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if ! /usr/bin/python3 -c "import torch, torchvision" 2>/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-torch python3-torchvision >/dev/null
fi
dotnet build bench/Ham.Bench -c Release -v quiet -nologo >/dev/null
