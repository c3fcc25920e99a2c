#!/usr/bin/env bash
# CLIP benchmark: ViT-B/16 (random weights) image encoding, batch 32, no grad, and text encoding
# of PROMPTS prompts, in Ham and in PyTorch (Debian's python3-torch), one run, ratios printed.
# usage: bench/clip/run.sh [IMAGE_BATCHES=3] [PROMPTS=1000]
set -euo pipefail
cd "$(dirname "$0")/../.."
bench/ensure-peers.sh
threads=${HAM_THREADS:-$(nproc)}
ham=$(dotnet bench/Ham.Bench/bin/Release/net10.0/ham-bench.dll clip-encode "$threads" "${1:-3}" "${2:-1000}")
torch=$(/usr/bin/python3 bench/clip/clip_encode_torch.py "$threads" "${1:-3}" "${2:-1000}")
printf "%-28s %12s %12s %8s\n" "ViT-B/16, $threads threads" ham torch ratio
for what in images texts; do
  h=$(awk -v w=$what '$1 == w {print $2}' <<<"$ham"); t=$(awk -v w=$what '$1 == w {print $2}' <<<"$torch")
  printf "%-28s %12.2f %12.2f %7.2fx\n" "$what/s" "$h" "$t" "$(awk -v a="$h" -v b="$t" 'BEGIN{print a/b}')"
done
