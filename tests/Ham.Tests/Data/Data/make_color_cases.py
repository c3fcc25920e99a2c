"""Writes color_cases.json and color_input.png: torchvision 0.14's PIL colour transforms (Pillow 9.4)
for the C# ports to match bit for bit.
- color_input.png: 96x64 RGB of random colours (numpy RandomState(0)) with a band of greys,
  primaries and near-greys, so every branch of the HSV conversion and the blends is reached.
- "ops": F.adjust_brightness / contrast / saturation / hue and rgb_to_grayscale(3) at fixed
  factors (float32 values, as ColorJitter draws them), md5 of the result's RGB bytes.
- "jitter": ColorJitter(0.3, 0.3, 0.3, 0.3) after torch.manual_seed(seed), repeated steps: the
  order (torch.randperm(4)), the four factors and the md5.
- "domainbed": DomainBed's augment_transform up to ToTensor (RandomResizedCrop(224, (0.7, 1)),
  RandomHorizontalFlip, ColorJitter(0.3, 0.3, 0.3, 0.3), RandomGrayscale()) on crops of a PACS-mini
  photo, md5 per step, and whether grayscale fired.
Run once: /usr/bin/python3 make_color_cases.py
"""
import hashlib, json
import numpy as np
import torch
import torchvision.transforms as T
import torchvision.transforms.functional as F
from PIL import Image

def md5(img):
    return hashlib.md5(np.asarray(img.convert("RGB")).tobytes()).hexdigest()

rs = np.random.RandomState(0)
pixels = rs.randint(0, 256, size=(64, 96, 3)).astype(np.uint8)
special = [[v, v, v] for v in range(0, 256, 8)] + [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [0, 255, 255],
           [255, 0, 255], [1, 0, 0], [0, 1, 0], [0, 0, 1], [255, 254, 255], [254, 255, 255], [128, 127, 128], [3, 2, 1]]
flat = pixels.reshape(-1, 3)
flat[: len(special)] = special
image = Image.fromarray(pixels, "RGB")
image.save("color_input.png")
f32 = lambda x: float(np.float32(x))

ops = []
for b in [0.0, 0.7, 0.8123, 1.0, 1.17, 1.3]:
    ops.append({"op": "brightness", "factor": f32(b), "md5": md5(F.adjust_brightness(image, f32(b)))})
for c in [0.0, 0.7, 0.9431, 1.0, 1.2, 1.3]:
    ops.append({"op": "contrast", "factor": f32(c), "md5": md5(F.adjust_contrast(image, f32(c)))})
for s in [0.0, 0.7, 0.99, 1.0, 1.25, 1.3]:
    ops.append({"op": "saturation", "factor": f32(s), "md5": md5(F.adjust_saturation(image, f32(s)))})
for h in [-0.5, -0.3, -0.1234, -0.001, 0.0, 0.002, 0.05, 0.2999, 0.5]:
    ops.append({"op": "hue", "factor": f32(h), "md5": md5(F.adjust_hue(image, f32(h)))})
ops.append({"op": "grayscale", "factor": 0.0, "md5": md5(F.rgb_to_grayscale(image, 3))})

jitter = []
cj = T.ColorJitter(0.3, 0.3, 0.3, 0.3)
original = T.ColorJitter.get_params
chosen = []
def recording(*args):
    r = original(*args)
    chosen.append(r)
    return r
cj.get_params = recording
for seed in [0, 7, 2023]:
    torch.manual_seed(seed)
    steps = []
    for k in range(6):
        out = cj(image)
        order, b, c, s, h = chosen[-1]
        steps.append({"order": order.tolist(), "factors": [b, c, s, h], "md5": md5(out)})
    jitter.append({"seed": seed, "steps": steps})

SRC = "photo/dog/056_0001.jpg"
photo = Image.open("../../../../../shared/data/PACS-mini/" + SRC).convert("RGB")
boxes = [(0, 0, 227, 227), (0, 50, 227, 120), (60, 0, 100, 227), (10, 20, 200, 180)]
augment = T.Compose([T.RandomResizedCrop(224, scale=(0.7, 1.0)), T.RandomHorizontalFlip(), T.ColorJitter(0.3, 0.3, 0.3, 0.3), T.RandomGrayscale()])
domainbed = []
for seed in [0, 1, 5]:
    torch.manual_seed(seed)
    steps = []
    for k in range(8):
        box = boxes[k % len(boxes)]
        src = photo.crop((box[0], box[1], box[0] + box[2], box[1] + box[3]))
        out = augment(src)
        arr = np.asarray(out)
        grey = bool((arr[..., 0] == arr[..., 1]).all() and (arr[..., 1] == arr[..., 2]).all())
        steps.append({"box": list(box), "md5": md5(out), "grayscale": grey})
    domainbed.append({"seed": seed, "steps": steps})

with open("color_cases.json", "w") as f:
    json.dump({"input": "color_input.png", "ops": ops, "jitter": jitter, "photo": SRC, "domainbed": domainbed}, f, indent=1)
print(sum(s["grayscale"] for c in domainbed for s in c["steps"]), "grayscale steps of", sum(len(c["steps"]) for c in domainbed))
