#!/usr/bin/env bash
# Data benchmark: decode + train-augment PACS-mini to 224 px batches of 32, in Ham (worker
# threads) and in PyTorch (DataLoader workers + torchvision + PIL), same worker count, one run;
# CLIPood's augmentation (crop + flip) and DomainBed's (+ colour jitter + grayscale).
# usage: bench/data/run.sh [BATCHES=100] [ROOT=../shared/data/PACS-mini]
set -euo pipefail
cd "$(dirname "$0")/../.."
bench/ensure-peers.sh
threads=${HAM_THREADS:-$(nproc)}
batches=${1:-100}
root=${2:-../shared/data/PACS-mini}
printf "%-22s %12s %12s %8s\n" "augment, $threads workers" "ham img/s" "torch img/s" ratio
for augment in clipood domainbed; do
  ham=$(dotnet bench/Ham.Bench/bin/Release/net10.0/ham-bench.dll data-loading "$root" "$threads" "$batches" "$augment" | awk '{print $2}')
  torch=$(/usr/bin/python3 bench/data/data_loading_torch.py "$root" "$threads" "$batches" "$augment" | awk '{print $2}')
  printf "%-22s %12.1f %12.1f %7.2fx\n" "$augment" "$ham" "$torch" "$(awk -v a="$ham" -v b="$torch" 'BEGIN{print a/b}')"
done
echo "$(nproc) cores; target >= 1.5x"
