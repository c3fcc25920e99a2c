"""Writes augmentation_cases.json: torchvision 0.14's RandomResizedCrop(224, scale=(0.7, 1.0)) then
RandomHorizontalFlip() on PIL crops of one PACS-mini image, drawing from torch's global generator
after torch.manual_seed(seed); for each step the crop box (left, top, width, height) of the source,
the region get_params chose (i, j, h, w), and the md5 and per-channel sums of the 224x224 result.
Run once: /usr/bin/python3 make_augmentation_cases.py
"""
import hashlib, json
import numpy as np
import torch
import torchvision.transforms as T

from PIL import Image

SRC = "photo/dog/056_0001.jpg"
image = Image.open("../../../../../shared/data/PACS-mini/" + SRC).convert("RGB")
boxes = [(0, 0, 227, 227), (0, 50, 227, 120), (60, 0, 100, 227), (0, 90, 227, 40), (100, 100, 30, 20), (10, 20, 200, 180)]
crop = T.RandomResizedCrop(224, scale=(0.7, 1.0))
flip = T.RandomHorizontalFlip()
chosen = []
original = T.RandomResizedCrop.get_params
def recording(img, scale, ratio):
    r = original(img, scale, ratio)
    chosen.append(r)
    return r
crop.get_params = recording

cases = []
for seed in [0, 12345]:
    torch.manual_seed(seed)
    steps = []
    for k in range(12):
        box = boxes[k % len(boxes)]
        src = image.crop((box[0], box[1], box[0] + box[2], box[1] + box[3]))
        out = np.asarray(flip(crop(src)))
        steps.append({"box": list(box), "region": list(chosen[-1]), "md5": hashlib.md5(out.tobytes()).hexdigest(),
                      "sum": [int(s) for s in out.reshape(-1, 3).sum(0)]})
    cases.append({"seed": seed, "steps": steps})
with open("augmentation_cases.json", "w") as f:
    json.dump({"source": SRC, "cases": cases}, f, indent=1)
print([s["region"] for s in cases[0]["steps"]])
