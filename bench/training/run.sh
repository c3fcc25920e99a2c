#!/usr/bin/env bash
# Training benchmark: one lockstep HAM step (3 sources, batch 8 each, ViT-B/16 at 224 px, SAE +
# OPA + historical averaging) in Ham and in PyTorch (Debian's python3-torch), one run.
# Both sides start from one inputs file (weights, class embeddings, batches) written first, so SAE
# selects the same images on both; each side reports the images it trained on per step.
# usage: bench/training/run.sh [STEPS=1]
set -euo pipefail
cd "$(dirname "$0")/../.."
bench/ensure-peers.sh
threads=${HAM_THREADS:-$(nproc)}
inputs=$(mktemp -d)/ham-step-inputs.safetensors
trap 'rm -rf "$(dirname "$inputs")"' EXIT
/usr/bin/python3 bench/training/ham_step_torch.py inputs "$inputs"
read -r hs hm hn <<<"$(dotnet bench/Ham.Bench/bin/Release/net10.0/ham-bench.dll ham-step "$threads" "${1:-1}" "$inputs")"
read -r ts tm tn <<<"$(/usr/bin/python3 bench/training/ham_step_torch.py "$threads" "${1:-1}" "$inputs")"
printf "%-34s %10s %10s %8s\n" "HAM step, ViT-B/16, $threads threads" ham torch ratio
printf "%-34s %10.2f %10.2f %7.2fx\n" "seconds per step (lower is better)" "$hs" "$ts" "$(awk -v a="$ts" -v b="$hs" 'BEGIN{print a/b}')"
printf "%-34s %10.0f %10.0f\n" "peak MB per source model" "$hm" "$tm"
printf "%-34s %10.0f %10.0f\n" "images trained per step" "$hn" "$tn"
[ "$hn" = "$tn" ] || echo "the two sides trained on different images: the ratio does not compare the same work" >&2
