#!/usr/bin/env python3
"""Exports the benchmark model and writes the benchmark input, both read by both sides.

bench/out/resnet50.onnx: torchvision ResNet-50 with seeded random weights (the same seed as
pytorch_reference.py builds), opset 13. bench/out/input.npy: one seeded float32 input
[1, 3, 224, 224] uniform in [-1, 1); Explain.Bench and pytorch_reference.py both read this file,
so the two sides explain the same tensor (same classes, same maps)."""
import sys

import numpy as np
import torch
import torchvision

onnx_out, input_out = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
model = torchvision.models.resnet50(weights=None).eval()
torch.onnx.export(model, torch.zeros(1, 3, 224, 224), onnx_out, opset_version=13,
                  input_names=["input"], output_names=["logits"])
gen = torch.Generator().manual_seed(1)
np.save(input_out, (torch.rand(1, 3, 224, 224, generator=gen) * 2 - 1).numpy().astype(np.float32))
