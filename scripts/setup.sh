#!/usr/bin/env bash
# Installs what is missing (Debian/Ubuntu), builds the native library and the C# solution.
# Quick and silent when everything is already there. HAM_LIBTORCH=/path/to/libtorch builds
# against another libtorch (a CUDA build, say) instead of Debian's libtorch-dev.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ libopenblas0-pthread libturbojpeg0-dev libpng-dev)
[ -z "${HAM_LIBTORCH:-}" ] && packages+=(libtorch-dev libgloo-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! command -v dotnet >/dev/null; then
  echo "setup: the .NET 10 SDK is needed (dotnet on PATH); install it from your distribution or Microsoft's packages" >&2
  exit 1
fi

mkdir -p build
# Native library: configure once, then make is a no-op when nothing changed.
cmake_args=(-DCMAKE_BUILD_TYPE=Release)
[ -n "${HAM_LIBTORCH:-}" ] && cmake_args+=("-DHAM_LIBTORCH=$HAM_LIBTORCH")
if [ ! -f build/native/Makefile ]; then
  cmake -S native -B build/native "${cmake_args[@]}" >build/native.log 2>&1 || { cat build/native.log >&2; exit 1; }
fi
make -s -C build/native -j"$(nproc)" >build/native.log 2>&1 || { cat build/native.log >&2; exit 1; }

dotnet build Ham.sln -c Release -v quiet -nologo -clp:NoSummary -p:WarningLevel=0 >build/dotnet.log 2>&1 || { grep -E "error" build/dotnet.log >&2 || cat build/dotnet.log >&2; exit 1; }
