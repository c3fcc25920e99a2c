#!/usr/bin/env bash
# ResNet benchmark: a ResNet-50 training step (forward with train-mode batch norm, cross-entropy,
# backward, AdamW; batch 32, 224 px) in Ham.Vision and in torchvision (Debian's python3-torch and
# python3-torchvision), same model, batch and threads, one run, ratio printed.
# The two sides take turns, ROUNDS times (each a fresh process: 2 warm-up steps, then STEPS timed);
# each side's figure is the median of its rounds' median steps, so a burst of other work on a
# shared machine during one round moves neither side.
# usage: bench/resnet/run.sh [STEPS=3] [ROUNDS=3]
#   TORCH_LAYOUT=channels-last feeds torchvision a channels-last input, as Ham's ResNet runs
#   (default nchw, torchvision as usually run)
set -euo pipefail
cd "$(dirname "$0")/../.."
bench/ensure-peers.sh
threads=${HAM_THREADS:-$(nproc)}
steps=${1:-3}
rounds=${2:-3}
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}'; }
ham=() torch=()
for ((r = 1; r <= rounds; r++)); do
  ham+=("$(dotnet bench/Ham.Bench/bin/Release/net10.0/ham-bench.dll resnet-train "$threads" "$steps" | awk '{print $2}')")
  torch+=("$(/usr/bin/python3 bench/resnet/resnet_train_torch.py "$threads" "$steps" "${TORCH_LAYOUT:-nchw}" | awk '{print $2}')")
  echo "round $r of $rounds: ham ${ham[-1]} img/s, torch ${torch[-1]} img/s" >&2
done
h=$(printf "%s\n" "${ham[@]}" | median)
t=$(printf "%s\n" "${torch[@]}" | median)
printf "%-10s %6s %12s %12s %8s\n" model batch "ham img/s" "torch img/s" ratio
printf "%-10s %6s %12.2f %12.2f %7.2fx\n" resnet50 32 "$h" "$t" "$(awk -v a="$h" -v b="$t" 'BEGIN{print a/b}')"
echo "threads: $threads; $(nproc) cores; $rounds rounds of $steps steps after 2 warm-up, medians; torchvision input ${TORCH_LAYOUT:-nchw}; libtorch $(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null || echo custom)"
