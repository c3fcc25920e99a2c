#!/usr/bin/env bash
# Sharded-merge benchmark (issue 13): a base and N 0.5B-parameter bf16 models (511M parameters,
# 1.02 GB each) as Hugging Face folders of 400 MB shards, generated seeded by make_models.py;
# `ham merge --method ties` and `rhm` (streaming, output in 400 MB shards) against the PyTorch
# way (merge_torch.py: load every shard, flatten, kthvalue, unflatten, write shards), one run
# each; wall time and peak RSS from /usr/bin/time -v, and Ham's effective input bandwidth
# (input bytes / wall time) against `cat` of the same files (page cache warm for all three).
# usage: bench/merge/run.sh [DIR=/tmp/ham-merge-shards] [N=3] [LAYERS=38]  (15 layers: 254M parameters, 0.51 GB)
set -euo pipefail
cd "$(dirname "$0")/../.."
bench/ensure-peers.sh
dir=${1:-/tmp/ham-merge-shards}
n=${2:-3}
layers=${3:-38}
mkdir -p "$dir"
need=$(( (n + 3) * 11 / 10 ))  # GB: the inputs and two outputs
avail=$(df -BG --output=avail "$dir" | tail -1 | tr -dc 0-9)
[ "$avail" -ge "$need" ] || { echo "bench/merge: $dir has ${avail}G free, needs ${need}G" >&2; exit 1; }
[ -f "$dir/m$((n - 1))/model.safetensors.index.json" ] || /usr/bin/python3 bench/merge/make_models.py "$dir" "$n" --layers "$layers"
models=()
for i in $(seq 0 $((n - 1))); do models+=("$dir/m$i"); done
files=("$dir"/base/*.safetensors)
for m in "${models[@]}"; do files+=("$m"/*.safetensors); done
input_gb=$(du -cb "${files[@]}" | tail -1 | awk '{print $1 / 1e9}')

seconds() { awk -F': ' '/Elapsed/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$1"; }
peak_mb() { awk -F': ' '/Maximum resident/ {print $2 / 1024}' "$1"; }
warm() { cat "${files[@]}" >/dev/null; }

warm
cat_s=$(/usr/bin/time -f %e cat "${files[@]}" 2>&1 >/dev/null)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-6s %9s %9s %7s %10s %10s %7s %9s\n" method "ham s" "torch s" speed "ham MB" "torch MB" memory "ham GB/s"
for method in ties rhm; do
  rm -rf "$dir/out-ham-$method" "$dir/out-torch-$method"
  warm
  /usr/bin/time -v -o "$dir/ham-$method.time" ./ham merge --method "$method" --base "$dir/base" --models "${models[@]}" \
    --out "$dir/out-ham-$method" --out-shard-size 400MB >/dev/null
  warm
  /usr/bin/time -v -o "$dir/torch-$method.time" /usr/bin/python3 bench/merge/merge_torch.py "$method" "$dir/base" "$dir/out-torch-$method" "${models[@]}"
  hs=$(seconds "$dir/ham-$method.time"); ts=$(seconds "$dir/torch-$method.time")
  hm=$(peak_mb "$dir/ham-$method.time"); tm=$(peak_mb "$dir/torch-$method.time")
  printf "%-6s %9.1f %9.1f %6.2fx %10.0f %10.0f %6.3fx %9.2f\n" "$method" "$hs" "$ts" "$(awk -v a="$ts" -v b="$hs" 'BEGIN{print a/b}')" \
    "$hm" "$tm" "$(awk -v a="$hm" -v b="$tm" 'BEGIN{print a/b}')" "$(awk -v g="$input_gb" -v s="$hs" 'BEGIN{print g/s}')"
  rm -rf "$dir/out-ham-$method" "$dir/out-torch-$method"
done
echo "speed = torch time / ham time; memory = ham peak RSS / torch peak RSS; inputs $input_gb GB in ${#files[@]} files;" \
  "cat of them (page cache) $cat_s s = $(awk -v g="$input_gb" -v s="$cat_s" 'BEGIN{print g/s}') GB/s; $(nproc) cores;" \
  "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
