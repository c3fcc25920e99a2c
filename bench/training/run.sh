#!/usr/bin/env bash
# Training benchmark: one lockstep HAM step (3 sources, batch 8 each, ViT-B/16 at 224 px, SAE +
# OPA + historical averaging) in Ham and in PyTorch (Debian's python3-torch), one run.
# usage: bench/training/run.sh [STEPS=1]
set -euo pipefail
cd "$(dirname "$0")/../.."
bench/ensure-peers.sh
threads=${HAM_THREADS:-$(nproc)}
read -r hs hm <<<"$(dotnet bench/Ham.Bench/bin/Release/net10.0/ham-bench.dll ham-step "$threads" "${1:-1}")"
read -r ts tm <<<"$(/usr/bin/python3 bench/training/ham_step_torch.py "$threads" "${1:-1}")"
printf "%-34s %10s %10s %8s\n" "HAM step, ViT-B/16, $threads threads" ham torch ratio
printf "%-34s %10.2f %10.2f %7.2fx\n" "seconds per step (lower is better)" "$hs" "$ts" "$(awk -v a="$ts" -v b="$hs" 'BEGIN{print a/b}')"
printf "%-34s %10.0f %10.0f\n" "peak MB per source model" "$hm" "$tm"
