#!/usr/bin/env bash
# t-SNE benchmark: exact t-SNE of 2,000 points of 512-d features (seeded synthetic clusters,
# written once as the features.csv both sides read) by `ham tsne` and by scikit-learn's
# TSNE(method="exact"), same perplexity, iterations and start (pca), one run each; the seconds
# of the fit (affinities + optimisation) on both sides, their ratio, and both final KLs.
# usage: bench/tsne/run.sh [POINTS=2000] [DIM=512] [PERPLEXITY=30] [ITERATIONS=1000] [DIR=/tmp/ham-tsne-bench]
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup.sh
if ! /usr/bin/python3 -c "import sklearn" 2>/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-sklearn >/dev/null
fi
points=${1:-2000}; dim=${2:-512}; perplexity=${3:-30}; iterations=${4:-1000}; dir=${5:-/tmp/ham-tsne-bench}
threads=${HAM_THREADS:-$(nproc)}
export HAM_THREADS=$threads OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads
mkdir -p "$dir"
features="$dir/features-$points-$dim.csv"
[ -f "$features" ] || /usr/bin/python3 bench/tsne/make_features.py "$features" "$points" "$dim"
./ham tsne --features "$features" --perplexity "$perplexity" --iterations "$iterations" --init pca --out "$dir/ham" >"$dir/ham.log"
read -r hs hk hi <<<"$(/usr/bin/python3 -c "import json; m = json.load(open('$dir/ham/tsne.json'))['models'][0]; print(m['seconds'], m['kl_divergence'], m['iterations'])")"
read -r ss sk si <<<"$(/usr/bin/python3 bench/tsne/tsne_sklearn.py "$features" "$perplexity" "$iterations" pca)"
printf "%-28s %10s %10s %8s %10s %10s\n" "exact t-SNE" "ham s" "sklearn s" speed "ham KL" "sklearn KL"
printf "%-28s %10.2f %10.2f %7.2fx %10.4f %10.4f\n" "$points x $dim, perplexity $perplexity" "$hs" "$ss" "$(awk -v a="$ss" -v b="$hs" 'BEGIN{print a/b}')" "$hk" "$sk"
echo "iterations run: ham $hi, sklearn $si; speed = sklearn time / ham time; $threads threads; $(nproc) cores; target >= 2x"
