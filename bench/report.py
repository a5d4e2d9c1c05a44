#!/usr/bin/env python3
"""Pairs Explain and PyTorch measurements (same bench, same threads) and prints a Markdown table
with ratios Explain / PyTorch (below 1 means Explain is faster). Each CAM headline has a
like-for-like row (PyTorch doing the same computation at its best) and a user-facing row
(PyTorch as pytorch-grad-cam users run it). With a maps folder it also checks that both sides
explained the same input: the same top-5 classes and the same top-1 Grad-CAM map."""
import json, os, sys

import numpy as np

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
maps = sys.argv[2] if len(sys.argv) > 2 else ""
by_key = {}
for r in rows:
    by_key.setdefault((r["bench"], r["threads"]), {})[r["impl"]] = r

# (label, Explain metric, PyTorch metric, comparison)
CAM_ROWS = [
    ("Grad-CAM", "gradcam_ms", "gradcam_ms", "like-for-like"),
    ("Grad-CAM", "gradcam_ms", "gradcam_user_ms", "user-facing"),
    ("4 methods × top-5", "four_methods_top5_ms", "four_methods_top5_ms", "like-for-like"),
    ("4 methods × top-5", "four_methods_top5_ms", "four_methods_top5_user_ms", "user-facing"),
    ("Ablation-CAM", "ablationcam_ms", "ablationcam_ms", "like-for-like"),
    ("Ablation-CAM", "ablationcam_ms", "ablationcam_user_ms", "user-facing"),
    ("Faster Score-CAM (top 64)", "scorecam_top64_ms", "scorecam_top64_ms", "like-for-like"),
    ("Faster Score-CAM (top 64)", "scorecam_top64_ms", "scorecam_ms", "user-facing (PyTorch: full Score-CAM)"),
    ("Score-CAM (2048 channels)", "scorecam_ms", "scorecam_ms", "like-for-like = user-facing"),
]
METHOD_ROWS = [
    ("FullGrad", "fullgrad_ms", "fullgrad_user_ms", "user-facing (pytorch-grad-cam FullGrad)"),
    ("FullGrad", "fullgrad_ms", "fullgrad_ms", "like-for-like"),
    ("ShapleyCAM", "shapleycam_ms", "shapleycam_user_ms", "user-facing (pytorch-grad-cam ShapleyCAM)"),
    ("ShapleyCAM", "shapleycam_ms", "shapleycam_ms", "like-for-like"),
    ("SmoothGrad-CAM++ (4 samples)", "smoothgradcampp_ms", "smoothgradcampp_user_ms", "user-facing (TorchCAM SmoothGradCAMpp)"),
    ("SmoothGrad-CAM++ (4 samples)", "smoothgradcampp_ms", "smoothgradcampp_ms", "like-for-like"),
    ("Occlusion (169 windows)", "occlusion_ms", "occlusion_user_ms", "user-facing (Captum Occlusion, perturbations_per_eval 1)"),
    ("Occlusion (169 windows)", "occlusion_ms", "occlusion_ms", "like-for-like (batches of 16)"),
    ("RISE (1000 masks)", "rise_ms", "rise_ms", "like-for-like = user-facing (batches of 16)"),
    ("ROAD (MoRF + LeRF, 9 percentiles)", "road_ms", "road_user_ms", "user-facing (pytorch-grad-cam ROADCombined)"),
    ("ROAD (MoRF + LeRF, 9 percentiles)", "road_ms", "road_ms", "like-for-like (one batch of re-runs)"),
]
BATCH_ROWS = [
    ("8 images × 8 targets, Grad-CAM: one batch call", "batch_gradcam_ms", "batch_gradcam_user_ms", "user-facing (pytorch-grad-cam's batched call)"),
    ("8 images × 8 targets, Grad-CAM: one batch call", "batch_gradcam_ms", "batch_gradcam_ms", "like-for-like (batched)"),
    ("8 images × 8 targets, Grad-CAM: 8 separate calls", "separate_gradcam_ms", "batch_gradcam_user_ms", "user-facing (pytorch-grad-cam's batched call)"),
]
ENGINE_ROWS = [(m, m + "_ms", m + "_ms", "like-for-like") for m in ("forward", "forward_min", "forward_grad", "forward_grad_min")]


def ms(r, key):
    v = r.get(key)
    return v if isinstance(v, (int, float)) and v == v else None


# "explain" is the managed engine, "explain-ort" the ONNX Runtime backend.
BACKENDS = {"explain": "managed", "explain-ort": "ort"}
print("| bench | threads | backend | headline | PyTorch row | Explain (ms) | PyTorch (ms) | ratio Explain/PyTorch |")
print("|---|---|---|---|---|---|---|---|")
for (bench, threads), impls in sorted(by_key.items()):
    ref = impls.get("pytorch")
    for impl, backend in BACKENDS.items():
        ours = impls.get(impl)
        if not ours or not ref:
            continue
        for label, mine, theirs, kind in {"cam": CAM_ROWS, "methods": METHOD_ROWS, "batch": BATCH_ROWS}.get(bench, ENGINE_ROWS):
            a, b = ms(ours, mine), ms(ref, theirs)
            if a is not None and b is not None:
                print(f"| {bench} | {threads} | {backend} | {label} | {kind} | {a:.1f} | {b:.1f} | {a / b:.3f} |")
        if bench == "batch" and ms(ours, "batch_gradcam_ms") and ms(ours, "separate_gradcam_ms"):
            print(f"| {bench} | {threads} | {backend} | one batch call vs 8 separate calls (ours) | | {ours['batch_gradcam_ms']:.1f} | {ours['separate_gradcam_ms']:.1f} (8 calls) | {ours['batch_gradcam_ms'] / ours['separate_gradcam_ms']:.3f} |")
        print(f"| {bench} | {threads} | {backend} | peak RSS (MiB) | | {ours['peak_rss_mib']:.0f} | {ref['peak_rss_mib']:.0f} | {ours['peak_rss_mib'] / ref['peak_rss_mib']:.2f} |")

if maps and os.path.exists(os.path.join(maps, "managed", "explain-gradcam.npy")):
    ours, ref = np.load(os.path.join(maps, "managed", "explain-gradcam.npy")), np.load(os.path.join(maps, "pytorch-gradcam.npy"))
    t_ours = json.load(open(os.path.join(maps, "managed", "explain-top5.json")))
    t_ref = json.load(open(os.path.join(maps, "pytorch-top5.json")))
    diff = float(np.abs(ours - ref).max())
    print(f"\nSame input on both sides: top-5 classes Explain {t_ours}, PyTorch {t_ref}; "
          f"top-1 Grad-CAM map max |Explain − PyTorch| = {diff:.2e}")
    if t_ours != t_ref or diff > 1e-3:
        print("MISMATCH: the two sides did not explain the same thing", file=sys.stderr)
        sys.exit(1)

methods = os.path.join(maps, "methods") if maps else ""
if methods and os.path.exists(os.path.join(methods, "explain-road.json")):
    # Deterministic methods must give the same map on both sides (float32 on both; PyTorch's and ONNX Runtime's
    # kernels sum in different orders), ROAD the same score changes (imputation noise 0 on both sides).
    worst = 0.0
    for name in ("gradcam", "fullgrad", "shapleycam", "occlusion"):
        diff = float(np.abs(np.load(os.path.join(methods, f"explain-{name}.npy")) - np.load(os.path.join(methods, f"pytorch-{name}.npy"))).max())
        worst = max(worst, diff)
        print(f"{name}: max |Explain − PyTorch| = {diff:.2e}")
    ours, ref = json.load(open(os.path.join(methods, "explain-road.json"))), json.load(open(os.path.join(methods, "pytorch-road.json")))
    road = max(abs(a - b) for k in ("morf", "lerf") for a, b in zip(ours[k], ref[k]))
    print(f"ROAD: class {ours['cls']} / {ref['cls']}, max |Δ logit change| over 18 imputations = {road:.2e}")
    if ours["cls"] != ref["cls"] or worst > 1e-2 or road > 1e-2:
        print("MISMATCH: the two sides did not compute the same thing", file=sys.stderr)
        sys.exit(1)

batch = os.path.join(maps, "batch") if maps else ""
if batch and os.path.exists(os.path.join(batch, "pytorch-batch-gradcam.npy")):
    # Each image's Grad-CAM for its own target, on both sides and both backends.
    ref, t_ref = np.load(os.path.join(batch, "pytorch-batch-gradcam.npy")), json.load(open(os.path.join(batch, "pytorch-batch-classes.json")))
    bad = False
    for backend in ("managed", "ort"):
        path = os.path.join(batch, backend, "explain-batch-gradcam.npy")
        if not os.path.exists(path):
            continue
        t_ours = json.load(open(os.path.join(batch, backend, "explain-batch-classes.json")))
        diff = float(np.abs(np.load(path) - ref).max())
        print(f"batch ({backend}): classes Explain {t_ours}, PyTorch {t_ref}; max |Explain − PyTorch| over the 8 maps = {diff:.2e}")
        bad |= t_ours != t_ref or diff > 1e-3
    if bad:
        print("MISMATCH: the two sides did not explain the same batch", file=sys.stderr)
        sys.exit(1)
