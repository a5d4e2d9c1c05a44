#!/usr/bin/env bash
# Runs the benchmarks side by side with the PyTorch reference on this machine and prints a
# Markdown table of times and ratios (bench/out/results.md). Copy it into bench/RESULTS.md with
# the date and the machine. Usage: [ITERATIONS=n] [HEAVY=no] bench/run.sh [engine|cam|all|methods|batch]
# (HEAVY=no leaves out full Score-CAM on both sides and PyTorch's full-model Ablation-CAM).
# Both sides read the same model and the same input (bench/out/input.npy), run the same warm-ups
# and iterations (ITERATIONS, default 20 for the engine and 10 for CAM), and report.py fails when
# their top-5 classes or top-1 Grad-CAM maps differ.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/bench/out"
mode="${1:-all}"
mkdir -p "$out"

need=()
for p in python3-torch python3-torchvision python3-onnx libopenblas0-openmp; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ "${#need[@]}" -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -f "$out/resnet50.onnx" ] && [ -f "$out/input.npy" ] || /usr/bin/python3 -W ignore "$root/bench/make_models.py" "$out/resnet50.onnx" "$out/input.npy"
dotnet build "$root/bench/Explain.Bench" -c Release -o "$out/bin" --nologo -v q >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }

# OpenBLAS core-type overrides set on some machines slow current builds; the reference runs without them.
torch_run() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 -W ignore "$root/bench/pytorch_reference.py" "$@" --input "$out/input.npy"; }
ours() { dotnet "$out/bin/Explain.Bench.dll" "$@" --input "$out/input.npy" --model "$out/resnet50.onnx" --layer "${LAYER:-/layer4/layer4.2/relu_2/Relu_output_0}"; }
engine_iterations="${ITERATIONS:-20}"; cam_iterations="${ITERATIONS:-10}"

echo "load average at the start: $(cut -d" " -f1-3 /proc/loadavg)"
: >"$out/raw.jsonl"
if [ "$mode" = engine ] || [ "$mode" = all ]; then
  for t in 1 2; do
    for b in managed ort; do
      ours engine --backend "$b" --threads "$t" --iterations "$engine_iterations" | sed 's/^{/{"bench":"engine",/' | tee -a "$out/raw.jsonl"
    done
    torch_run engine --threads "$t" --iterations "$engine_iterations" | sed 's/^{/{"bench":"engine",/' | tee -a "$out/raw.jsonl"
  done
fi
if [ "$mode" = cam ] || [ "$mode" = all ]; then
  rm -rf "$out/maps"
  for b in managed ort; do
    ours cam --backend "$b" --threads 2 --iterations "$cam_iterations" --maps "$out/maps/$b" --heavy "${HEAVY:-yes}" | sed 's/^{/{"bench":"cam",/' | tee -a "$out/raw.jsonl"
  done
  torch_run cam --threads 2 --iterations "$cam_iterations" --maps "$out/maps" --heavy "${HEAVY:-yes}" | sed 's/^{/{"bench":"cam",/' | tee -a "$out/raw.jsonl"
fi
if [ "$mode" = methods ]; then
  # Issue 13's methods on the ONNX Runtime backend (the default) against the reference implementations: ~6 minutes.
  rm -rf "$out/maps/methods"
  ours methods --backend ort --threads 2 --iterations "${ITERATIONS:-3}" --maps "$out/maps/methods" | sed 's/^{/{"bench":"methods",/' | tee -a "$out/raw.jsonl"
  torch_run methods --threads 2 --iterations "${ITERATIONS:-3}" --maps "$out/maps/methods" | sed 's/^{/{"bench":"methods",/' | tee -a "$out/raw.jsonl"
fi
if [ "$mode" = batch ]; then
  # Issue 14's batch: 8 real photos, 8 different targets, Grad-CAM; one ExplainBatch call against 8 Explain calls and
  # against pytorch-grad-cam's batched call. ~1 minute.
  . "$root/scripts/shared-dir.sh"; explain_find_shared "$root" || { echo "no shared data folder (EXPLAIN_SHARED)" >&2; exit 1; }
  [ -f "$out/batch.npy" ] || /usr/bin/python3 -W ignore "$root/bench/make_batch.py" "$EXPLAIN_SHARED" "$out/batch.npy"
  rm -rf "$out/maps/batch"
  for b in managed ort; do
    ours batch --backend "$b" --threads 2 --iterations "${ITERATIONS:-5}" --batch "$out/batch.npy" --maps "$out/maps/batch/$b" | sed 's/^{/{"bench":"batch",/' | tee -a "$out/raw.jsonl"
  done
  torch_run batch --threads 2 --iterations "${ITERATIONS:-5}" --batch "$out/batch.npy" --maps "$out/maps/batch" | sed 's/^{/{"bench":"batch",/' | tee -a "$out/raw.jsonl"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 "$root/bench/report.py" "$out/raw.jsonl" "$out/maps" | tee "$out/results.md"
