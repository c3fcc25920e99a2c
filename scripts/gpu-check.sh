#!/usr/bin/env bash
# Checks Ham on CUDA against Ham on the CPU of the same machine. Builds against a CUDA libtorch,
# makes a small synthetic benchmark and tiny CLIP as `ham demo` does (ham data synth, ham
# pretrain, on the CPU so that every run starts from the same weights), then:
#   - ham eval of one model on cpu and on cuda (inference alone),
#   - ham train --method ham on cpu in fp32 and on cuda in fp32, bf16 and fp16,
#   - ham merge --method ties of each run's sources, and ham eval of each merged model,
# and prints one table: accuracies, their difference from the CPU fp32 run, and how far each
# run's weight update (model - tiny CLIP) is from the CPU run's, each row against its tolerance.
#
#   HAM_LIBTORCH=/path/to/libtorch scripts/gpu-check.sh [--device cuda:N] [--out DIR] [--cpu-only]
#
# --cpu-only runs the CPU rows alone (any machine; HAM_LIBTORCH optional). STEPS (default 60)
# sets the training steps, PRETRAIN_STEPS (default 1000, the demo's) the tiny CLIP's. Exit
# status 0 when every row is within its tolerance. Needs python3 (standard library only) to read
# results.json and compare safetensors files. The data and tiny CLIP are kept in --out (default
# build/gpu-check) and reused by the next run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Tolerances. Inference differs between devices only by kernel rounding (cuDNN convolutions
# use TF32 by default), so an image on the decision boundary may flip. Training compounds such
# differences over the steps (AdamW's normalised update amplifies them where gradients are
# near zero), and bf16 / fp16 round every matmul input, so those rows get wider bounds. The
# update difference is ||(theta_run - theta0) - (theta_cpu - theta0)|| / ||theta_cpu - theta0||
# over every vision tensor. First estimates, to be tightened from the first GPU runs.
EVAL_ACC_TOL=0.5        # accuracy points, same model evaluated on cuda and cpu
FP32_ACC_TOL=3.0        # accuracy points, cuda fp32 run vs cpu fp32 run
FP32_UPDATE_TOL=0.10    # relative update difference, cuda fp32 vs cpu fp32
LOW_ACC_TOL=5.0         # accuracy points, cuda bf16 / fp16 runs vs cpu fp32
LOW_UPDATE_TOL=0.50     # relative update difference, cuda bf16 / fp16 vs cpu fp32

device="cuda"
out="build/gpu-check"
cpu_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --cpu-only) cpu_only=1; shift ;;
    *) echo "gpu-check: unknown argument '$1' (expected --device cuda:N, --out DIR, --cpu-only)" >&2; exit 2 ;;
  esac
done
steps="${STEPS:-60}"
pretrain_steps="${PRETRAIN_STEPS:-1000}"
command -v python3 >/dev/null || { echo "gpu-check: python3 is needed (standard library only)" >&2; exit 1; }

# ---- build ----
if [ "$cpu_only" -eq 0 ] && [ -z "${HAM_LIBTORCH:-}" ]; then
  echo "gpu-check: set HAM_LIBTORCH to a CUDA build of libtorch (or pass --cpu-only)" >&2
  exit 2
fi
if [ -n "${HAM_LIBTORCH:-}" ]; then
  libtorch="$(realpath "$HAM_LIBTORCH")"
  # setup.sh configures build/native once: a build configured against another libtorch is redone.
  if [ -f build/native/CMakeCache.txt ] && ! grep -q "^Torch_DIR:PATH=$libtorch/" build/native/CMakeCache.txt; then
    echo "gpu-check: build/native was configured against another libtorch; reconfiguring for $libtorch"
    rm -rf build/native
  fi
  export LD_LIBRARY_PATH="$libtorch/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
echo "gpu-check: building"
scripts/setup.sh
ham() { COLUMNS=200 ./ham "$@"; }
doctor="$(ham doctor --size 256)"
echo "$doctor"
if [ "$cpu_only" -eq 0 ]; then
  index="${device#cuda}"; index="${index#:}"
  gpus="$(grep -oE "built in; [0-9]+ GPU" <<<"$doctor" | grep -oE "[0-9]+" || echo 0)"
  if [ "${index:-0}" -ge "$gpus" ]; then
    echo "gpu-check: ham doctor does not see ${device} (is $libtorch a CUDA build, and is a GPU visible?)" >&2
    exit 1
  fi
fi

# ---- data and tiny CLIP (CPU, cached in $out) ----
mkdir -p "$out"
data="$out/synthetic"
tiny="$out/tiny-clip.safetensors"
echo "gpu-check: synthetic benchmark and tiny CLIP ($pretrain_steps steps) on cpu"
ham data synth --out "$data" --size 32 --per-class 40 >/dev/null
ham pretrain --data "$data" --out "$tiny" --steps "$pretrain_steps" >/dev/null
bench="$data/benchmark"
[ -d "$bench" ] || { echo "gpu-check: no benchmark folder at $bench" >&2; exit 1; }

# Mean accuracy (%) of `ham eval`'s table (its last row, "mean"); eval computes in fp32.
eval_mean() {  # eval_mean MODEL DEVICE
  ham eval --model "$1" --data "$bench" --device "$2" | sed 's/\x1b\[[0-9;]*m//g' | grep -E "mean" | grep -oE "[0-9]+\.[0-9]+" | tail -1
}

train() {  # train NAME DEVICE PRECISION
  local run="$out/runs/$1"
  rm -rf "$run"
  ham train --data "$bench" --test-domain cartoon --model "$tiny" --out "$run" --method ham \
    --steps "$steps" --batch 16 --lr 1e-4 --eval-every "$steps" --checkpoint-every "$steps" --device "$2" --precision "$3" >/dev/null
  ham merge --method ties --base "$tiny" --models "$run"/sources/*.safetensors --out "$run/merged-ties.safetensors" >/dev/null
}

# "val test" accuracy (%) from a run's results.json.
run_accuracy() {
  python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print("%.2f %.2f" % (100 * r["val_accuracy"], 100 * r["test_accuracy"]))' "$1/results.json"
}

# ||(a - base) - (b - base)|| / ||b - base|| over the visual.* float tensors of three safetensors files.
update_difference() {  # update_difference BASE A B
  python3 - "$@" <<'PY'
import array, json, math, struct, sys

def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    body = raw[8 + n:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__" or not name.startswith("visual."):
            continue
        start, end = entry["data_offsets"]
        blob, dtype = body[start:end], entry["dtype"]
        if dtype == "F32":
            values = array.array("f", blob)
        elif dtype == "F16":
            values = array.array("f", struct.unpack(f"<{len(blob) // 2}e", blob))
        elif dtype == "BF16":
            values = array.array("f", array.array("I", (h << 16 for h in array.array("H", blob))).tobytes())
        else:
            continue
        tensors[name] = values
    return tensors

base, a, b = (read(p) for p in sys.argv[1:4])
num = den = 0.0
for name, tb in b.items():
    ta, t0 = a[name], base[name]
    for x0, xa, xb in zip(t0, ta, tb):
        num += (xa - xb) ** 2
        den += (xb - x0) ** 2
print(f"{math.sqrt(num / den):.4f}" if den > 0 else "nan")
PY
}

rows=()
failed=0
check() {  # check LABEL VAL TEST EVAL ACC_DIFF ACC_TOL UPDATE_DIFF UPDATE_TOL
  local ok="ok"
  if [ "$5" != "-" ] && ! python3 -c 'import sys; sys.exit(0 if abs(float(sys.argv[1])) <= float(sys.argv[2]) else 1)' "$5" "$6"; then ok="FAIL"; fi
  if [ "$7" != "-" ] && ! python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)' "$7" "$8"; then ok="FAIL"; fi
  [ "$ok" = "FAIL" ] && failed=1
  rows+=("$(printf "%-22s %7s %7s %7s %9s %9s %9s %9s  %s" "$@" "$ok")")
}
diff_points() { python3 -c 'import sys; print(f"{float(sys.argv[1]) - float(sys.argv[2]):+.2f}")' "$1" "$2"; }

# ---- CPU fp32: the reference ----
echo "gpu-check: training on cpu (fp32), $steps steps"
train cpu-fp32 cpu fp32
acc="$(run_accuracy "$out/runs/cpu-fp32")"
read -r ref_val ref_test <<<"$acc"
ref_eval="$(eval_mean "$out/runs/cpu-fp32/model.safetensors" cpu)"
ref_merged="$(eval_mean "$out/runs/cpu-fp32/merged-ties.safetensors" cpu)"
check "train cpu fp32" "$ref_val" "$ref_test" "$ref_eval" - - - -
check "merge ties cpu fp32" - - "$ref_merged" - - - -

if [ "$cpu_only" -eq 0 ]; then
  # ---- inference alone: the CPU-trained model evaluated on the GPU ----
  echo "gpu-check: evaluating the cpu model on $device"
  same_eval="$(eval_mean "$out/runs/cpu-fp32/model.safetensors" "$device")"
  check "eval cpu model, $device" - - "$same_eval" "$(diff_points "$same_eval" "$ref_eval")" "$EVAL_ACC_TOL" - -

  for precision in fp32 bf16 fp16; do
    echo "gpu-check: training on $device ($precision), $steps steps"
    name="cuda-$precision"
    train "$name" "$device" "$precision"
    acc="$(run_accuracy "$out/runs/$name")"
    read -r val test <<<"$acc"
    ev="$(eval_mean "$out/runs/$name/model.safetensors" "$device")"
    merged="$(eval_mean "$out/runs/$name/merged-ties.safetensors" "$device")"
    acc_tol="$LOW_ACC_TOL"; update_tol="$LOW_UPDATE_TOL"
    [ "$precision" = "fp32" ] && { acc_tol="$FP32_ACC_TOL"; update_tol="$FP32_UPDATE_TOL"; }
    check "train $device $precision" "$val" "$test" "$ev" "$(diff_points "$test" "$ref_test")" "$acc_tol" \
      "$(update_difference "$tiny" "$out/runs/$name/model.safetensors" "$out/runs/cpu-fp32/model.safetensors")" "$update_tol"
    check "merge ties $device $precision" - - "$merged" "$(diff_points "$merged" "$ref_merged")" "$acc_tol" \
      "$(update_difference "$tiny" "$out/runs/$name/merged-ties.safetensors" "$out/runs/cpu-fp32/merged-ties.safetensors")" "$update_tol"
  done
fi

echo
echo "gpu-check: $steps steps of ham on the synthetic benchmark (test domain cartoon); accuracies in %;"
echo "Δ acc: test (train rows) or eval mean (eval and merge rows) minus the cpu fp32 row's;"
echo "update: distance of the run's weight update from the cpu fp32 run's, relative to the latter"
printf "%-22s %7s %7s %7s %9s %9s %9s %9s  %s\n" "run" "val" "test" "eval" "Δ acc" "acc tol" "update" "upd tol" "status"
printf '%s\n' "${rows[@]}"
[ "$failed" -eq 0 ] && echo "gpu-check: every row within tolerance" || echo "gpu-check: some rows are outside their tolerance"
exit "$failed"
