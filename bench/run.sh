#!/usr/bin/env bash
# Runs the benchmarks side by side with the PyTorch reference on this machine and prints a
# Markdown table of times and ratios (bench/out/results.md). Copy it into bench/RESULTS.md with
# the date and the machine. Usage: bench/run.sh [engine|cam|all]
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
[ -f "$out/resnet50.onnx" ] || /usr/bin/python3 -W ignore "$root/bench/make_models.py" "$out/resnet50.onnx"
dotnet build "$root/bench/Explain.Bench" -c Release -o "$out/bin" --nologo -v q >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }

# OpenBLAS core-type overrides set on some machines slow current builds; the reference runs without them.
torch_run() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 -W ignore "$root/bench/pytorch_reference.py" "$@"; }
ours() { dotnet "$out/bin/Explain.Bench.dll" "$@" --model "$out/resnet50.onnx" --layer "${LAYER:-/layer4/layer4.2/relu_2/Relu_output_0}"; }

: >"$out/raw.jsonl"
if [ "$mode" = engine ] || [ "$mode" = all ]; then
  for t in 1 2; do
    for b in managed ort; do
      ours engine --backend "$b" --threads "$t" --iterations 20 | sed 's/^{/{"bench":"engine",/' | tee -a "$out/raw.jsonl"
    done
    torch_run engine --threads "$t" --iterations 20 | sed 's/^{/{"bench":"engine",/' | tee -a "$out/raw.jsonl"
  done
fi
if [ "$mode" = cam ] || [ "$mode" = all ]; then
  for b in managed ort; do
    ours cam --backend "$b" --threads 2 --iterations 10 | sed 's/^{/{"bench":"cam",/' | tee -a "$out/raw.jsonl"
  done
  torch_run cam --threads 2 --iterations 10 | sed 's/^{/{"bench":"cam",/' | tee -a "$out/raw.jsonl"
fi
/usr/bin/python3 "$root/bench/report.py" "$out/raw.jsonl" | tee "$out/results.md"
