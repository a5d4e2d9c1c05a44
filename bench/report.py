#!/usr/bin/env python3
"""Pairs Explain and PyTorch measurements (same bench, same threads) and prints a Markdown table
with ratios Explain / PyTorch (below 1 means Explain is faster)."""
import json, sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
by_key = {}
for r in rows:
    by_key.setdefault((r["bench"], r["threads"]), {})[r["impl"]] = r

# "explain" is the managed engine, "explain-ort" the ONNX Runtime backend.
BACKENDS = {"explain": "managed", "explain-ort": "ort"}
print("| bench | threads | backend | metric | Explain (ms) | PyTorch (ms) | ratio Explain/PyTorch |")
print("|---|---|---|---|---|---|---|")
for (bench, threads), impls in sorted(by_key.items()):
    ref = impls.get("pytorch")
    for impl, backend in BACKENDS.items():
        ours = impls.get(impl)
        if not ours or not ref:
            continue
        for metric in ours:
            if metric.endswith("_ms") and metric in ref and ours[metric] == ours[metric]:
                print(f"| {bench} | {threads} | {backend} | {metric[:-3]} | {ours[metric]:.1f} | {ref[metric]:.1f} | {ours[metric] / ref[metric]:.2f} |")
        if "scorecam_top64_ms" in ours and "scorecam_ms" in ref:
            print(f"| {bench} | {threads} | {backend} | Faster Score-CAM (top 64 channels) vs PyTorch Score-CAM | {ours['scorecam_top64_ms']:.1f} | {ref['scorecam_ms']:.1f} | {ours['scorecam_top64_ms'] / ref['scorecam_ms']:.3f} |")
        print(f"| {bench} | {threads} | {backend} | peak RSS (MiB) | {ours['peak_rss_mib']:.0f} | {ref['peak_rss_mib']:.0f} | {ours['peak_rss_mib'] / ref['peak_rss_mib']:.2f} |")
