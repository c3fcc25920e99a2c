#!/usr/bin/env bash
# Foundation benchmark: a ViT training step (forward + backward + AdamW) in Ham.Torch and in
# PyTorch (Debian's python3-torch), same model, batch and threads, one run, ratios printed.
# usage: bench/foundation/run.sh [STEPS_VIT_B16] [STEPS_TINY]
set -euo pipefail
cd "$(dirname "$0")/../.."
bench/ensure-peers.sh
threads=${HAM_THREADS:-$(nproc)}
bench="dotnet bench/Ham.Bench/bin/Release/net10.0/ham-bench.dll"

printf "%-8s %8s %12s %12s %8s\n" model batch "ham img/s" "torch img/s" ratio
for spec in "vit-b16 8 ${1:-5}" "tiny 64 ${2:-20}"; do
  read -r config batch steps <<<"$spec"
  ham=$($bench vit-train "$config" "$threads" "$steps" | awk '{print $2}')
  torch=$(/usr/bin/python3 bench/foundation/vit_train_torch.py "$config" "$threads" "$steps" | awk '{print $2}')
  printf "%-8s %8s %12.2f %12.2f %7.2fx\n" "$config" "$batch" "$ham" "$torch" "$(awk -v a="$ham" -v b="$torch" 'BEGIN{print a/b}')"
done
echo "threads: $threads; $(nproc) cores; libtorch $(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null || echo custom)"
