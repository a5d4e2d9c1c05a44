#!/usr/bin/env python3
"""Writes the batch benchmark's input, read by both sides: bench/out/batch.npy, 8 real photos
[8, 3, 224, 224] from the shared data folder (argv[1]/data/images), preprocessed as torchvision's
ImageNet recipe (Resize, CenterCrop 224, Normalize): each of the three photos at Resize 256 and
its mirror image, and the first two at Resize 320, so the eight images differ."""
import os, sys

import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image

shared, out = sys.argv[1], sys.argv[2]
photos = [os.path.join(shared, "data", "images", name) for name in ("both.png", "dog_cat.jfif", "horses.jpg")]
normalize = T.Compose([T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
images = []
for resize, flips, chosen in ((256, (False, True), photos), (320, (False,), photos[:2])):
    for path in chosen:
        for flip in flips:
            picture = Image.open(path).convert("RGB")
            if flip:
                picture = picture.transpose(Image.FLIP_LEFT_RIGHT)
            images.append(normalize(T.CenterCrop(224)(T.Resize(resize)(picture))))
batch = torch.stack(images).numpy().astype(np.float32)
assert batch.shape == (8, 3, 224, 224), batch.shape
np.save(out, batch)
