#!/usr/bin/env bash
# Distributed benchmark: one lockstep HAM step (3 ViT-B/16 sources at 224 px, batch 8 each, SAE +
# OPA + historical average; random weights) in one process and as 3 ranks of `ham launch` over
# Gloo on loopback, one source per rank. Prints the step time, the payload bytes each rank sends
# and receives per step, the share of the step spent in collectives, and what receiving SAE's
# batches (all_gather) would cost instead of rebuilding them from their seeds.
# usage: bench/distributed/run.sh [STEPS=1]   (HAM_THREADS: the one process's threads, split over the ranks)
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup.sh
dotnet build bench/Ham.Bench -c Release -v quiet -nologo >/dev/null
bench=bench/Ham.Bench/bin/Release/net10.0/ham-bench.dll
steps=${1:-1}
threads=${HAM_THREADS:-$(nproc)}
read -r _ s1 _ _ _ _ <<<"$(dotnet "$bench" ham-step-ranks "$threads" "$steps")"
per_rank=$(( threads / 3 > 0 ? threads / 3 : 1 ))
read -r n s3 c3 b3 gs gb <<<"$(HAM_THREADS=$per_rank ./ham launch --nproc 3 -- dotnet "$bench" ham-step-ranks "$per_rank" "$steps" | grep -E '^\[rank 0\] [0-9]' | sed 's/^\[rank 0\] //')"
printf "HAM step, 3 ViT-B/16 sources, batch 8, %s step(s), %s threads in all\n" "$steps" "$threads"
printf "%-44s %10.2f s\n" "one process" "$s1"
printf "%-44s %10.2f s\n" "3 ranks (Gloo, loopback)" "$s3"
printf "%-44s %10.1f MB\n" "payload sent + received per rank per step" "$(awk -v b="$b3" 'BEGIN{print b/1e6}')"
printf "%-44s %10.2f s (%.1f%% of the step)\n" "time in collectives per rank per step" "$c3" "$(awk -v c="$c3" -v s="$s3" 'BEGIN{print 100*c/s}')"
printf "%-44s %10.3f s for %.1f MB\n" "SAE alternative: all_gather of the batches" "$gs" "$(awk -v b="$gb" 'BEGIN{print b/1e6}')"
