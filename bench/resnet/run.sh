#!/usr/bin/env bash
# ResNet benchmark: a ResNet-50 training step (forward with train-mode batch norm, cross-entropy,
# backward, AdamW; batch 32, 224 px) in Ham.Vision and in torchvision (Debian's python3-torch and
# python3-torchvision), same model, batch and threads, one run, ratio printed.
# usage: bench/resnet/run.sh [STEPS=5]   (after 2 warm-up steps on each side)
set -euo pipefail
cd "$(dirname "$0")/../.."
bench/ensure-peers.sh
threads=${HAM_THREADS:-$(nproc)}
steps=${1:-5}
ham=$(dotnet bench/Ham.Bench/bin/Release/net10.0/ham-bench.dll resnet-train "$threads" "$steps" | awk '{print $2}')
torch=$(/usr/bin/python3 bench/resnet/resnet_train_torch.py "$threads" "$steps" | awk '{print $2}')
printf "%-10s %6s %12s %12s %8s\n" model batch "ham img/s" "torch img/s" ratio
printf "%-10s %6s %12.2f %12.2f %7.2fx\n" resnet50 32 "$ham" "$torch" "$(awk -v a="$ham" -v b="$torch" 'BEGIN{print a/b}')"
echo "threads: $threads; $(nproc) cores; $steps steps after 2 warm-up; libtorch $(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null || echo custom)"
