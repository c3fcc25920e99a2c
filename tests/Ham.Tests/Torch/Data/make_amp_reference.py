"""Writes amp_reference.safetensors: PyTorch's CPU autocast outputs and GradScaler scale sequences
for AmpTests.cs.

Run with Debian's python3-torch (1.13): /usr/bin/python3 make_amp_reference.py

Autocast: fixed fp32 inputs, ops run inside torch.autocast("cpu", dtype=torch.bfloat16); the
outputs are stored as bf16 (their exact bits) and the weight gradient as fp32.

GradScaler: torch 1.13 cannot run torch.cuda.amp.GradScaler here (it disables itself without
CUDA, and its two ops have CUDA kernels only), so the scale sequence is derived from the rule
its documentation and its CUDA kernel (aten/src/ATen/native/cuda/AmpKernels.cu,
amp_update_scale_cuda_kernel) state, written out below in float32 as the kernel keeps it:
  inf/nan found:                   scale *= backoff_factor; growth_tracker = 0
  else growth_tracker + 1 == interval: scale *= growth_factor if that stays finite; growth_tracker = 0
  else:                            growth_tracker += 1
and step() skips optimizer.step() on the steps with an inf/nan.
"""
import json
import struct

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(0)
tensors = {}

# ---- autocast (bf16 on CPU) ----
x = torch.randn(6, 64)
w = torch.randn(10, 64, requires_grad=True)
b = torch.randn(10)
a = torch.randn(3, 5, 64)
m = torch.randn(64, 7)
img = torch.randn(2, 3, 9, 9)
kernel = torch.randn(4, 3, 3, 3)
kernel_bias = torch.randn(4)
with torch.autocast("cpu", dtype=torch.bfloat16):
    linear = F.linear(x, w, b)
    matmul = torch.matmul(a, m)
    conv = F.conv2d(img, kernel, kernel_bias, padding=1)
    loss = linear.float().square().sum()
loss.backward()
for name, out in {"linear": linear, "matmul": matmul, "conv2d": conv}.items():
    assert out.dtype == torch.bfloat16, name
    # bf16 compute is not fp32 compute rounded at the end: the test's values tell them apart.
    with torch.no_grad():
        fp32 = {"linear": lambda: F.linear(x, w, b), "matmul": lambda: a @ m,
                "conv2d": lambda: F.conv2d(img, kernel, kernel_bias, padding=1)}[name]()
    assert (fp32.bfloat16() != out).any(), name
    tensors[f"{name}/out"] = out.detach()
assert w.grad.dtype == torch.float32
tensors.update({"x": x, "w": w.detach(), "b": b, "a": a, "m": m, "img": img, "kernel": kernel,
                "kernel_bias": kernel_bias, "linear/grad_w": w.grad})


# ---- GradScaler scale sequences ----
def scale_sequence(init_scale, growth, backoff, interval, infs):
    scale, tracker = np.float32(init_scale), 0
    scales, trackers, stepped = [], [], []
    for inf in infs:
        stepped.append(0 if inf else 1)
        if inf:
            scale, tracker = np.float32(np.float64(scale) * backoff), 0
        elif tracker + 1 == interval:
            with np.errstate(over="ignore"):  # the float32 overflow to inf is the case being tested
                grown = np.float32(np.float64(scale) * growth)
            if np.isfinite(grown):
                scale = grown
            tracker = 0
        else:
            tracker += 1
        scales.append(scale)
        trackers.append(tracker)
    return scales, trackers, stepped


sequences = {
    # torch's defaults with interval 3 so that growth shows: backoff, growth, both in a row.
    "interval3": (2.0 ** 16, 2.0, 0.5, 3, [0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0]),
    # torch's defaults: 2000 steps without growth, then growth; an inf halves.
    "defaults": (2.0 ** 16, 2.0, 0.5, 2000, [0] * 1999 + [0, 1] + [0] * 5),
    # growth past float32's range is refused (2^127 * 2 = inf), the tracker still resets.
    "overflow": (2.0 ** 126, 2.0, 0.5, 1, [0, 0, 0, 1, 0]),
    # non-power-of-two factors: the product is rounded to float32 each update.
    "odd_factors": (1000.0, 3.0, 0.3, 2, [0, 0, 1, 0, 0, 0, 1, 1, 0, 0]),
}
for name, (init, growth, backoff, interval, infs) in sequences.items():
    scales, trackers, stepped = scale_sequence(init, growth, backoff, interval, infs)
    tensors[f"scaler/{name}/config"] = torch.tensor([init, growth, backoff, interval], dtype=torch.float64)
    tensors[f"scaler/{name}/inf"] = torch.tensor(infs, dtype=torch.int32)
    tensors[f"scaler/{name}/scale"] = torch.tensor(np.array(scales, dtype=np.float32))
    tensors[f"scaler/{name}/growth_tracker"] = torch.tensor(trackers, dtype=torch.int32)
    tensors[f"scaler/{name}/stepped"] = torch.tensor(stepped, dtype=torch.int32)

DTYPES = {torch.float64: "F64", torch.float32: "F32", torch.bfloat16: "BF16", torch.int32: "I32"}
header, blobs, offset = {}, [], 0
for key in sorted(tensors):
    t = tensors[key].contiguous()
    data = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
    header[key] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open("amp_reference.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for blob in blobs:
        f.write(blob)
print(len(tensors), "tensors,", offset, "bytes")
