#!/usr/bin/env bash
# Merging benchmark: 3 and 5 ViT-B/16-sized vision encoders (86M fp32 parameters, random
# deltas) merged with rhm and ties by Ham's streaming merge and by the reference approach in
# PyTorch (flatten, concatenate, kthvalue), one run; wall time, peak memory, ratios, and Ham's
# input GB/s against this machine's memory-copy bandwidth.
# usage: bench/merging/run.sh [DIR=/tmp/ham-merge-bench]
set -euo pipefail
cd "$(dirname "$0")/../.."
bench/ensure-peers.sh
dir=${1:-/tmp/ham-merge-bench}
bench="dotnet bench/Ham.Bench/bin/Release/net10.0/ham-bench.dll"
[ -f "$dir/m4.safetensors" ] || $bench merge-make "$dir" 5
# Both sides read from the page cache: the first row would otherwise pay the disk reads alone.
cat "$dir"/*.safetensors >/dev/null
bandwidth=$($bench memcpy-bandwidth)
model_gb=$(awk -v s="$(stat -c %s "$dir/base.safetensors")" 'BEGIN{print s/1e9}')
printf "%-6s %2s %9s %9s %7s %10s %10s %7s %9s\n" method N "ham s" "torch s" speed "ham MB" "torch MB" memory "ham GB/s"
for n in 3 5; do
  for method in rhm ties; do
    read -r hs hm <<<"$($bench merge-run $method "$dir" $n)"
    read -r ts tm <<<"$(/usr/bin/python3 bench/merging/merge_torch.py $method "$dir" $n)"
    printf "%-6s %2d %9.2f %9.2f %6.2fx %10.0f %10.0f %6.2fx %9.2f\n" $method $n "$hs" "$ts" \
      "$(awk -v a="$ts" -v b="$hs" 'BEGIN{print a/b}')" "$hm" "$tm" "$(awk -v a="$hm" -v b="$tm" 'BEGIN{print a/b}')" \
      "$(awk -v g="$model_gb" -v n=$n -v s="$hs" 'BEGIN{print g*(n+1)/s}')"
  done
done
echo "speed = torch time / ham time; memory = ham peak / torch peak; model $model_gb GB; memcpy bandwidth $bandwidth GB/s; $(nproc) cores"
