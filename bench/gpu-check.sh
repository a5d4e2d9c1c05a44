#!/usr/bin/env bash
# On a machine with an NVIDIA GPU (driver, CUDA 13 runtime and cuDNN 9 installed; this project's
# own machines have none): builds the CLI and the benchmark on ONNX Runtime's CUDA build
# (-p:ExplainOrtGpu=true), checks CUDA-provider parity against the CPU provider on every engine
# fixture (logits, and every CAM method's maps on resnet18), runs the IO-binding tests on the device
# (bound runs against unbound runs of the same CUDA sessions, which values stay on the device, their
# lifetime), then runs the benchmarks with --device cuda next to the CPU provider. Exit status
# non-zero on a parity or IO-binding failure.
# Usage: bench/gpu-check.sh [DEVICE]   (DEVICE: cuda, cuda:N or tensorrt:N; default cuda:0)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
device="${1:-cuda:0}"
out="$root/bench/out/gpu"
fixtures="${EXPLAIN_FIXTURES:-$root/.fixtures/engine}"
mkdir -p "$out"

command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L || { echo "no NVIDIA driver (nvidia-smi) on this machine" >&2; exit 2; }
for lib in libcudart.so.13 libcublas.so.13 libcudnn.so.9; do
  ldconfig -p | grep -q "$lib" || { echo "missing $lib: install the CUDA 13 runtime and cuDNN 9" >&2; exit 2; }
done
[ -d "$fixtures/resnet18" ] || bash "$root/tests/fixtures/ensure-fixtures.sh"

dotnet publish "$root/clients/Explain.Cli" -c Release -r linux-x64 --self-contained false -p:ExplainOrtGpu=true -o "$out/cli" --nologo -v q >"$out/build.log" 2>&1 \
  || { cat "$out/build.log"; exit 1; }
explain() { dotnet "$out/cli/explain.dll" "$@"; }

# Parity: the same passes on the CUDA and the CPU provider. Bounds as the CPU parity suite holds
# against PyTorch (forward 1e-4, maps 1e-3 relative L2): the GPU differs in summation order only.
failures=0
compare() { # compare A.npy B.npy BOUND LABEL
  /usr/bin/python3 - "$@" <<'PY' || failures=$((failures + 1))
import sys, numpy as np
a, b, bound, label = np.load(sys.argv[1]), np.load(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
err = np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30)
print(f"{label}: relative L2 {err:.2e} (bound {bound:.0e})")
sys.exit(0 if a.shape == b.shape and err < bound else 1)
PY
}
for dir in "$fixtures"/*/; do
  arch="$(basename "$dir")"
  [ -f "$dir/meta.json" ] || continue
  for d in cpu "$device"; do
    explain infer --model "$dir/model.onnx" --input-npy "$dir/input.npy" --device "$d" --out "$out/infer-$arch-${d%%:*}" >/dev/null
  done
  output="$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["output_name"])' "$dir/meta.json")"
  safe="$(echo "$output" | tr -c 'A-Za-z0-9_.\n-' '_')"
  compare "$out/infer-$arch-${device%%:*}/$safe.npy" "$out/infer-$arch-cpu/$safe.npy" 1e-4 "$arch logits ($device vs cpu)"
done
methods=gradcam,gradcam++,xgradcam,hirescam,layercam,gradcam-elementwise,eigencam,eigengradcam,scorecam,ablationcam,integrated-gradcam,groupcam,guided-backprop,guided-gradcam
for d in cpu "$device"; do
  explain run --model "$fixtures/resnet18/model.onnx" --input-npy "$fixtures/resnet18/input.npy" --method "$methods" --top-k 2 \
    --device "$d" --out "$out/run-${d%%:*}" >/dev/null
done
for f in "$out/run-cpu"/*.raw.npy; do
  compare "$out/run-${device%%:*}/$(basename "$f")" "$f" 1e-3 "resnet18 $(basename "$f" .raw.npy) ($device vs cpu)"
done

# IO binding on the device: every run binds its outputs to the GPU or the host (src/Explain.Backends.OnnxRuntime/OrtRuns.cs);
# IoBindingTests check on the device that bound runs match unbound runs of the same sessions (1e-5), that observed
# activations and crossing values stay on the GPU until read, and that disposal and eviction free them; PlacedWeightsTests
# that the sessions of a model (forward, gradient graph, suffix) read one device copy of its weights, made once, with
# results within bounds of the CPU's. The cancel test is timed for the CPU and left out. Built on the CUDA package
# into its own artifacts folder.
[ -d "$root/.fixtures/cam/resnet18_view" ] || bash "$root/tests/fixtures/ensure-fixtures.sh"
EXPLAIN_TEST_DEVICE="$device" dotnet test "$root/tests/Explain.Cam.Tests" -c Release -p:ExplainOrtGpu=true --artifacts-path "$out/tests" \
  --filter "(FullyQualifiedName~Explain.Cam.Tests.Backends.IoBindingTests|FullyQualifiedName~Explain.Cam.Tests.Backends.PlacedWeightsTests)&FullyQualifiedName!~CancelledMidRun" --nologo -v q \
  | tee "$out/iobinding.log" | grep -E "Passed!|Failed!|^\s+Failed " || true
grep -q "Passed!" "$out/iobinding.log" || { echo "IO-binding tests on $device failed (bench/out/gpu/iobinding.log)"; failures=$((failures + 1)); }

# Benchmarks: the CAM benchmark on the GPU next to the CPU provider, one run (bench/run.sh makes the PyTorch rows).
[ -f "$root/bench/out/resnet50.onnx" ] || /usr/bin/python3 -W ignore "$root/bench/make_models.py" "$root/bench/out/resnet50.onnx"
dotnet build "$root/bench/Explain.Bench" -c Release -p:ExplainOrtGpu=true -o "$out/bench" --nologo -v q >>"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
for d in cpu "$device"; do
  dotnet "$out/bench/Explain.Bench.dll" cam --backend ort --device "$d" --threads 2 --iterations 10 \
    --model "$root/bench/out/resnet50.onnx" --layer "${LAYER:-/layer4/layer4.2/relu_2/Relu_output_0}" | tee -a "$out/raw.jsonl"
done
if [ "$failures" -gt 0 ]; then echo "gpu-check: $failures parity or IO-binding failure(s)"; exit 1; fi
echo "gpu-check: CUDA-provider parity and IO binding hold; benchmark rows in $out/raw.jsonl"
