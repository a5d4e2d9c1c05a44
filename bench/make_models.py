#!/usr/bin/env python3
"""Exports the benchmark model: torchvision ResNet-50 with seeded random weights (the same seed as
pytorch_reference.py), opset 13, to bench/out/resnet50.onnx."""
import sys

import torch
import torchvision

out = sys.argv[1]
torch.manual_seed(0)
model = torchvision.models.resnet50(weights=None).eval()
torch.onnx.export(model, torch.zeros(1, 3, 224, 224), out, opset_version=13,
                  input_names=["input"], output_names=["logits"])
