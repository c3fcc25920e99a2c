"""PyTorch side of the merging benchmark: what the TIES-Merging reference code does — load
every state dict, flatten each model's task vector into one row, stack, kthvalue per row for
the magnitude threshold, then sign election and disjoint mean (ties) or the kept mean (rhm),
and unflatten. Reads the safetensors files with numpy (no safetensors package needed).

usage: merge_torch.py METHOD DIR N   -> "seconds peak_rss_mb"
"""
import json
import os
import resource
import struct
import sys
import time

import numpy as np
import torch

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64}


def load(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + size)
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])
        out[name] = torch.from_numpy(array.copy())
    return out


def flatten(state, names):
    return torch.cat([state[n].reshape(-1) for n in names])


def main():
    method, directory, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    torch.set_num_threads(os.cpu_count())
    start = time.perf_counter()
    base = load(os.path.join(directory, "base.safetensors"))
    names = list(base)
    base_flat = flatten(base, names)
    tasks = torch.vstack([flatten(load(os.path.join(directory, f"m{i}.safetensors")), names) - base_flat for i in range(n)])
    d = tasks.shape[1]
    if method == "ties":
        k = d - int(d * 0.2)
        threshold, _ = tasks.abs().kthvalue(k, dim=1, keepdim=True)
        trimmed = tasks * (tasks.abs() >= threshold)
        sign = torch.sign(trimmed.sum(dim=0))
        sign[sign == 0] = torch.sign(sign.sum())
        agree = torch.where(sign.unsqueeze(0) > 0, trimmed > 0, trimmed < 0)
        merged = (trimmed * agree).sum(dim=0) / agree.sum(dim=0).clamp(min=1)
    else:  # rhm
        threshold, _ = tasks.abs().kthvalue(int(d * 0.2), dim=1, keepdim=True)
        kept = tasks.abs() > threshold
        merged = (tasks * kept).sum(dim=0) / kept.sum(dim=0).clamp(min=1)
    result = base_flat + merged
    out, offset = {}, 0
    for name in names:
        size = base[name].numel()
        out[name] = result[offset:offset + size].reshape(base[name].shape)
        offset += size
    seconds = time.perf_counter() - start
    print(f"{seconds:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


if __name__ == "__main__":
    main()
