"""PyTorch side of the training benchmark: one lockstep HAM step, 3 source encoders (ViT-B/16 at
224 px, random weights), batch 8 each: per source, SAE confidences on every batch (no grad), CE
on the enriched batch + sign loss against the detached mean update, AdamW, historical average.
Same step as bench/Ham.Bench/HamTrainingStep.cs.

Both sides start from one inputs file that this script writes (the encoder's weights under CLIP's
names, the class embeddings, the batches): SAE keeps the images more confident than the source's
mean, so the number of images each source trains on depends on the weights and the pixels, and
only the same inputs give both sides the same work. Each side prints how many images it trained on.

usage: ham_step_torch.py inputs FILE               writes FILE (safetensors, ~350 MB)
       ham_step_torch.py THREADS STEPS FILE        -> "seconds_per_step peak_rss_mb_per_source trained_images_per_step"
"""
import copy
import json
import os
import re
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "foundation"))
from vit_train_torch import VisionTransformer  # noqa: E402

SOURCES, BATCH, CLASSES = 3, 8, 7
DTYPES = {torch.float32: "F32", torch.int64: "I64"}
NUMPY = {"F32": np.float32, "I64": np.int64}


def vit_b16():
    return VisionTransformer(768, 12, 16, 224, 512)


def clip_name(name):
    """This script's ViT parameter name -> CLIP's visual tower's (blocks.3.mlp.0.weight -> transformer.resblocks.3.mlp.c_fc.weight)."""
    name = re.sub(r"^blocks\.", "transformer.resblocks.", name)
    return name.replace(".mlp.0.", ".mlp.c_fc.").replace(".mlp.2.", ".mlp.c_proj.")


def write_inputs(path):
    torch.manual_seed(0)
    tensors = {clip_name(k): v for k, v in vit_b16().state_dict().items()}
    tensors["bench.classes"] = F.normalize(torch.randn(CLASSES, 512), dim=-1)
    for i in range(SOURCES):
        tensors[f"bench.images.{i}"] = torch.randn(BATCH, 3, 224, 224)
        tensors[f"bench.labels.{i}"] = torch.randint(0, CLASSES, (BATCH,))
    header, offset = {}, 0
    for key, t in tensors.items():
        size = t.numel() * t.element_size()
        header[key] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for t in tensors.values():
            f.write(t.contiguous().numpy().tobytes())
    os.replace(path + ".tmp", path)


def read_inputs(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for key, entry in header.items():
        begin, end = entry["data_offsets"]
        values = np.frombuffer(data, NUMPY[entry["dtype"]], (end - begin) // np.dtype(NUMPY[entry["dtype"]]).itemsize, begin)
        tensors[key] = torch.from_numpy(values.copy()).reshape(entry["shape"])
    return tensors


def main():
    if sys.argv[1] == "inputs":
        write_inputs(sys.argv[2])
        return
    threads, steps, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    torch.set_num_threads(threads)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    inputs = read_inputs(path)
    first = vit_b16()
    first.load_state_dict({k: inputs[clip_name(k)] for k in first.state_dict()})
    classes = inputs["bench.classes"]
    batches = [(inputs[f"bench.images.{i}"], inputs[f"bench.labels.{i}"]) for i in range(SOURCES)]
    del inputs
    encoders = [first] + [copy.deepcopy(first) for _ in range(SOURCES - 1)]
    theta0 = [p.detach().clone() for p in first.parameters()]
    optimizers = [torch.optim.AdamW(e.parameters(), lr=5e-6, weight_decay=0.1) for e in encoders]
    averages = [[p.detach().clone() for p in e.parameters()] for e in encoders]
    weight_sums = [1.0] * SOURCES
    trained = []

    def logits(encoder, images):
        return 100.0 * F.normalize(encoder(images), dim=-1) @ classes.t()

    def step():
        with torch.no_grad():
            mean_update = [torch.stack([list(e.parameters())[l] for e in encoders]).mean(0) - theta0[l] for l in range(len(theta0))]
        trained.append(0)
        for i, encoder in enumerate(encoders):
            with torch.no_grad():
                confidence = [logits(encoder, images).softmax(-1).max(-1).values for images, _ in batches]
            tau = confidence[i].mean()
            images = [batches[i][0]] + [batches[j][0][confidence[j] > tau] for j in range(SOURCES) if j != i]
            labels = [batches[i][1]] + [batches[j][1][confidence[j] > tau] for j in range(SOURCES) if j != i]
            trained[-1] += sum(len(x) for x in images)
            ce = F.cross_entropy(logits(encoder, torch.cat(images)), torch.cat(labels))
            sign = sum(torch.clamp(-((p - p0) * v).sum(), min=0) for p, p0, v in zip(encoder.parameters(), theta0, mean_update)) / len(theta0)
            optimizers[i].zero_grad()
            (ce + sign).backward()
            optimizers[i].step()
            with torch.no_grad():
                weight = 1.0  # the Beta weight's value does not change the cost
                r = weight / weight_sums[i]
                for a, p in zip(averages[i], encoder.parameters()):
                    a.add_(p, alpha=r).mul_(1 / (1 + r))
                weight_sums[i] += weight

    step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = (time.perf_counter() - start) / steps
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.3f} {(peak - baseline) / SOURCES:.0f} {sum(trained[1:]) / steps:.0f}")


if __name__ == "__main__":
    main()
