"""Writes the sharded-merge benchmark's checkpoints: a base and N fine-tuned models of a
0.5B-parameter bf16 transformer (d 1024, FFN 4096, 38 layers, 32000-token embedding: 511M
parameters), each a Hugging Face folder of safetensors shards of at most SHARD bytes with
model.safetensors.index.json and a config.json. Weights are seeded normals: the base
N(0, 0.02^2), model i the base plus N(0, 0.001^2) in float32, rounded once to bf16 (round to
nearest even, as torch's .bfloat16()). Tensor t of model m is drawn from numpy's PCG64 seeded
with (seed, m, t), so any model can be rewritten alone and the same seed gives the same bytes.

usage: make_models.py DIR N [--layers 38] [--shard 400000000] [--seed 0]
"""
import argparse
import json
import os
import struct

import numpy as np


def layout(layers, d=1024, ffn=4096, vocab=32000):
    names = [("model.embed_tokens.weight", (vocab, d))]
    for i in range(layers):
        p = f"model.layers.{i}."
        names += [(p + "input_layernorm.weight", (d,))]
        names += [(p + f"self_attn.{x}_proj.weight", (d, d)) for x in "qkvo"]
        names += [(p + "post_attention_layernorm.weight", (d,))]
        names += [(p + "mlp.up_proj.weight", (ffn, d)), (p + "mlp.down_proj.weight", (d, ffn))]
    names += [("model.norm.weight", (d,)), ("lm_head.weight", (vocab, d))]
    return names


def bf16(x):
    """float32 -> bf16 bits, round to nearest even (no NaNs occur here)."""
    u = x.view(np.uint32)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def tensor(seed, model, index, shape):
    base = np.random.default_rng([seed, 0, index]).standard_normal(shape, dtype=np.float32) * np.float32(0.02)
    if model > 0:
        base += np.random.default_rng([seed, model, index]).standard_normal(shape, dtype=np.float32) * np.float32(0.001)
    return bf16(base)


def write_shard(path, tensors):
    header, offset = {}, 0
    for name, array in tensors:
        header[name] = {"dtype": "BF16", "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for _, array in tensors:
            f.write(array.tobytes())
    os.replace(tmp, path)


def write_model(folder, seed, model, names, shard_bytes):
    os.makedirs(folder, exist_ok=True)
    groups, size = [[]], 0
    for index, (name, shape) in enumerate(names):
        nbytes = 2 * int(np.prod(shape))
        if groups[-1] and size + nbytes > shard_bytes:
            groups.append([])
            size = 0
        groups[-1].append((index, name, shape))
        size += nbytes
    weight_map, total = {}, 0
    for k, group in enumerate(groups):
        file = f"model-{k + 1:05d}-of-{len(groups):05d}.safetensors"
        tensors = [(name, tensor(seed, model, index, shape)) for index, name, shape in group]
        write_shard(os.path.join(folder, file), tensors)
        for name, array in tensors:
            weight_map[name] = file
            total += array.nbytes
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=1)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump({"model_type": "ham-merge-bench", "torch_dtype": "bfloat16", "seed": seed, "model": model}, f)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("n", type=int)
    parser.add_argument("--layers", type=int, default=38)
    parser.add_argument("--shard", type=int, default=400_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    names = layout(args.layers)
    print(f"{sum(int(np.prod(s)) for _, s in names) / 1e6:.1f}M parameters per model")
    for model in range(args.n + 1):
        write_model(os.path.join(args.dir, "base" if model == 0 else f"m{model - 1}"), args.seed, model, names, args.shard)


if __name__ == "__main__":
    main()
