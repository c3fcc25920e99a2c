#!/usr/bin/env bash
# Training benchmark: one lockstep HAM step (3 sources, batch 8 each, ViT-B/16 at 224 px, SAE +
# OPA + historical averaging) in Ham and in PyTorch (Debian's python3-torch), one run.
# Both sides start from one inputs file (weights, class embeddings, batches) written first, so SAE
# selects the same images on both; each side reports the images it trained on per step.
# The two sides take turns, ROUNDS times (each a fresh process: 1 warm-up step, then STEPS timed);
# each side's figures are the medians of its rounds.
# usage: bench/training/run.sh [STEPS=1] [ROUNDS=1]
set -euo pipefail
cd "$(dirname "$0")/../.."
bench/ensure-peers.sh
threads=${HAM_THREADS:-$(nproc)}
steps=${1:-1}
rounds=${2:-1}
inputs=$(mktemp -d)/ham-step-inputs.safetensors
trap 'rm -rf "$(dirname "$inputs")"' EXIT
/usr/bin/python3 bench/training/ham_step_torch.py inputs "$inputs"
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}'; }
hs=() hm=() ts=() tm=()
for ((r = 1; r <= rounds; r++)); do
  read -r s m hn <<<"$(dotnet bench/Ham.Bench/bin/Release/net10.0/ham-bench.dll ham-step "$threads" "$steps" "$inputs")"
  hs+=("$s") hm+=("$m")
  read -r s m tn <<<"$(/usr/bin/python3 bench/training/ham_step_torch.py "$threads" "$steps" "$inputs")"
  ts+=("$s") tm+=("$m")
  echo "round $r of $rounds: ham ${hs[-1]} s, torch ${ts[-1]} s per step; images trained per step: ham $hn, torch $tn" >&2
  [ "$hn" = "$tn" ] || echo "the two sides trained on different images: the ratio does not compare the same work" >&2
done
h=$(printf "%s\n" "${hs[@]}" | median) t=$(printf "%s\n" "${ts[@]}" | median)
printf "%-34s %10s %10s %8s\n" "HAM step, ViT-B/16, $threads threads" ham torch ratio
printf "%-34s %10.2f %10.2f %7.2fx\n" "seconds per step (lower is better)" "$h" "$t" "$(awk -v a="$t" -v b="$h" 'BEGIN{print a/b}')"
printf "%-34s %10.0f %10.0f\n" "peak MB per source model" "$(printf "%s\n" "${hm[@]}" | median)" "$(printf "%s\n" "${tm[@]}" | median)"
printf "%-34s %10.0f %10.0f\n" "images trained per step" "$hn" "$tn"
echo "threads: $threads; $(nproc) cores; $rounds rounds of $steps steps after 1 warm-up, medians; libtorch $(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null || echo custom)"
