"""Writes sign_alignment_reference.safetensors: OPA's sign-alignment loss in its three forms
(issue 15) and the sign-conflict count, for SignAlignmentTests.cs.

Run with Debian's python3-torch (1.13): /usr/bin/python3 make_sign_alignment_reference.py
The forms, with v_i^l = theta_i^l - theta_0^l and N_L parameter tensors:
  layer-dot      (1/N_L) sum_l relu(-<v_i^l, vbar^l>),                 vbar = mean over all sources
  elementwise    (1/N_L) sum_l mean_k relu(-v_i^l[k] vbar^l[k])
  leave-one-out  (1/N_L) sum_l relu(-<v_i^l, vbar_{-i}^l>),            vbar_{-i} = mean over j != i
with the consensus detached. The file holds theta0/<l>, source<i>/<l> (float64) and, per form F
and source i, F/<i>/value, F/<i>/active (the share of open hinges: tensors, or entries for
elementwise) and F/<i>/grad/<l> (d value / d theta_i^l by autograd). conflicts/* holds source
states with exact zeros and their conflict count: entries where some v_i > 0 and another < 0.
"""
import json
import struct

import torch

torch.manual_seed(15)
D = torch.float64
SHAPES = [(3, 4), (5,), (2, 2, 2)]
SOURCES = 3

theta0 = [torch.randn(s, dtype=D) for s in SHAPES]
base = [torch.randn(s, dtype=D) * 0.1 for s in SHAPES]
# Source 0 and 1 share a direction; source 2 is pushed against it on tensor 0 only, so that the
# per-tensor hinges open for some (source, tensor) pairs and stay shut for others.
updates = []
for i in range(SOURCES):
    v = [b + 0.05 * torch.randn(b.shape, dtype=D) for b in base]
    if i == 2:
        v[0] = -3 * base[0] + 0.05 * torch.randn(base[0].shape, dtype=D)
    updates.append(v)
thetas = [[t0 + v for t0, v in zip(theta0, vs)] for vs in updates]


def consensus(form, i):
    if form == "leave-one-out":
        return [sum(thetas[j][l] for j in range(SOURCES) if j != i) / (SOURCES - 1) - theta0[l] for l in range(len(SHAPES))]
    return [sum(thetas[j][l] for j in range(SOURCES)) / SOURCES - theta0[l] for l in range(len(SHAPES))]


def loss(form, params, c):
    hinges = []
    for p, t0, cl in zip(params, theta0, c):
        v = p - t0
        hinges.append(torch.relu(-(v * cl)) if form == "elementwise" else torch.relu(-(v * cl).sum()))
    if form == "elementwise":
        value = sum(h.mean() for h in hinges) / len(hinges)
        active = sum(int((h > 0).sum()) for h in hinges) / sum(h.numel() for h in hinges)
    else:
        value = sum(hinges) / len(hinges)
        active = sum(int(h > 0) for h in hinges) / len(hinges)
    return value, active


tensors = {}


def put(key, value):
    assert key not in tensors, key  # one name, one tensor
    tensors[key] = value


for l in range(len(SHAPES)):
    put(f"theta0/{l}", theta0[l])
    for i in range(SOURCES):
        put(f"source{i}/{l}", thetas[i][l])
opened = {}
for form in ("layer-dot", "elementwise", "leave-one-out"):
    for i in range(SOURCES):
        c = [x.detach() for x in consensus(form, i)]
        params = [t.clone().requires_grad_() for t in thetas[i]]
        value, active = loss(form, params, c)
        grads = torch.autograd.grad(value, params)
        put(f"{form}/{i}/value", value.detach().reshape(()))
        put(f"{form}/{i}/active", torch.tensor(active, dtype=D))
        for l, g in enumerate(grads):
            put(f"{form}/{i}/grad/{l}", g)
        opened[(form, i)] = active
# Each form must have a source with open hinges, and the per-tensor forms one with a shut one too.
for form in ("layer-dot", "elementwise", "leave-one-out"):
    assert max(opened[(form, i)] for i in range(SOURCES)) > 0, form
    assert min(opened[(form, i)] for i in range(SOURCES)) < 1, form
assert opened[("layer-dot", 0)] != opened[("leave-one-out", 0)] or opened[("layer-dot", 2)] != opened[("leave-one-out", 2)]

# Sign conflicts: float32 states of 4 sources, a quarter of each update exactly zero.
conflicts_theta0 = [torch.randn(s) for s in ((6, 7), (11,))]
conflicting = 0
for l, t0 in enumerate(conflicts_theta0):
    put(f"conflicts/theta0/{l}", t0)
    ups = [torch.randn(t0.shape) * (torch.rand(t0.shape) > 0.25) for _ in range(4)]
    for i, u in enumerate(ups):
        u[0] = 0.0                                # entries no source moved (tensor 0: its first row)
        u.view(-1)[1] = 1.0 if i == 0 else 0.0    # an entry only source 0 moved
        put(f"conflicts/source{i}/{l}", t0 + u)
    # The sign of v_i as Ham computes it, theta_i - theta_0 in float32.
    v = torch.stack([tensors[f"conflicts/source{i}/{l}"] - t0 for i in range(4)])
    conflicting += int(((v > 0).any(0) & (v < 0).any(0)).sum())
entries = sum(t.numel() for t in conflicts_theta0)
put("conflicts/count", torch.tensor([conflicting, entries], dtype=torch.int64))

DTYPES = {torch.float64: "F64", torch.float32: "F32", torch.int64: "I64"}
header, blobs, offset = {"__metadata__": {"sources": str(SOURCES)}}, [], 0
for key in sorted(tensors):
    t = tensors[key].detach().contiguous()
    data = t.numpy().tobytes()
    header[key] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open("sign_alignment_reference.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for blob in blobs:
        f.write(blob)
print(len(tensors), "tensors,", offset, "bytes;", "active:", {f"{k[0]}/{k[1]}": round(v, 3) for k, v in opened.items()},
      "conflicts:", conflicting, "/", entries)
