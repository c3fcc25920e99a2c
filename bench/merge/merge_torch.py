"""PyTorch side of the sharded-merge benchmark: the whole-model way of the TIES-Merging reference
code (and of mergekit-style scripts without lazy loading) on Hugging Face shard folders: load
every shard of every model into memory, flatten each model's task vector into one row, stack,
kthvalue per row for the magnitude threshold, then sign election and disjoint mean (ties, keep
the top 20%) or the kept mean (rhm, drop the bottom 20%), unflatten, and write the merged model
as shards of the same size with its index. Computes in the checkpoints' dtype (bf16), as the
reference code does with what it loads. Reads and writes safetensors with numpy and
torch.frombuffer (Debian has no python3-safetensors).

usage: merge_torch.py METHOD BASE_DIR OUT_DIR MODEL_DIR...
"""
import json
import os
import struct
import sys

import numpy as np
import torch

DTYPES = {"BF16": (torch.bfloat16, 2), "F32": (torch.float32, 4), "F16": (torch.float16, 2)}
NAMES = {v[0]: k for k, v in DTYPES.items()}


def load_file(path, out):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = bytearray(f.read())
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype, _ = DTYPES[entry["dtype"]]
        begin, end = entry["data_offsets"]
        out[name] = torch.frombuffer(data, dtype=dtype, offset=begin, count=(end - begin) // torch.tensor([], dtype=dtype).element_size()).reshape(entry["shape"])


def load(folder):
    with open(os.path.join(folder, "model.safetensors.index.json")) as f:
        weight_map = json.load(f)["weight_map"]
    out = {}
    for shard in sorted(set(weight_map.values())):
        load_file(os.path.join(folder, shard), out)
    return {name: out[name] for name in weight_map}


def save(folder, state, shard_bytes):
    os.makedirs(folder, exist_ok=True)
    groups, size = [[]], 0
    for name, t in state.items():
        nbytes = t.numel() * t.element_size()
        if groups[-1] and size + nbytes > shard_bytes:
            groups.append([])
            size = 0
        groups[-1].append(name)
        size += nbytes
    weight_map = {}
    for k, names in enumerate(groups):
        file = f"model-{k + 1:05d}-of-{len(groups):05d}.safetensors"
        header, offset = {}, 0
        for name in names:
            t = state[name]
            header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + t.numel() * t.element_size()]}
            offset += t.numel() * t.element_size()
            weight_map[name] = file
        text = json.dumps(header).encode()
        text += b" " * (-len(text) % 8)
        with open(os.path.join(folder, file), "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text)
            for name in names:
                f.write(state[name].contiguous().view(torch.int16).numpy().tobytes())
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {}, "weight_map": weight_map}, f)


def flatten(state, names):
    return torch.cat([state[n].reshape(-1) for n in names])


def main():
    method, base_dir, out_dir, model_dirs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    torch.set_num_threads(os.cpu_count())
    base = load(base_dir)
    names = list(base)
    base_flat = flatten(base, names)
    tasks = torch.vstack([flatten(load(m), names) - base_flat for m in model_dirs])
    d = tasks.shape[1]
    if method == "ties":
        k = d - int(d * 0.2)
        threshold, _ = tasks.abs().kthvalue(k, dim=1, keepdim=True)
        trimmed = tasks * (tasks.abs() >= threshold)
        del tasks
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
    save(out_dir, out, 400_000_000)


if __name__ == "__main__":
    main()
