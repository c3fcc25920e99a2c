"""Writes method_reference.safetensors: random state dicts and what slerp, model-stock,
breadcrumbs and della make of them, by the formulas in their papers, written here from scratch
in PyTorch (MethodReferenceTests.cs runs Ham's methods on the same inputs).

Run with Debian's python3-torch (1.13): /usr/bin/python3 make_method_reference.py
Stored: base/NAME, m0/NAME, m1/NAME, m2/NAME (inputs), CASE/NAME (expected outputs); the
header's metadata "cases" holds each case's method, models and options.
"""
import json
import math
import struct

import torch

torch.manual_seed(0)
SHAPES = {"w": (6, 10), "b": (10,), "conv": (3, 2, 2, 2), "one": (1,), "par": (4, 3), "d": (5, 4)}


def random_models():
    base = {n: torch.randn(s) for n, s in SHAPES.items()}
    base["d"] = base["d"].double()
    models = []
    for i in range(3):
        m = {n: t + 0.1 * torch.randn(t.shape, dtype=t.dtype) for n, t in base.items()}
        models.append(m)
    # Nearly parallel models in "par": slerp falls back to the linear interpolation there.
    models[1]["par"] = models[0]["par"] * 1.0001
    return base, models


def compute(t):
    return t.double() if t.dtype == torch.float64 else t.float()


def slerp(models, t):
    out = {}
    for n in models[0]:
        a, b = compute(models[0][n]), compute(models[1][n])
        wa, wb = a.double(), b.double()
        na, nb = wa.norm().item(), wb.norm().item()
        cos = (wa * wb).sum().item() / (na * nb) if na > 0 and nb > 0 else 1.0
        if abs(cos) > 0.9995:
            out[n] = a * (1 - t) + b * t
            continue
        omega = math.acos(cos)
        s = math.sin(omega)
        out[n] = a * (math.sin((1 - t) * omega) / s) + b * (math.sin(t * omega) / s)
    return out


def model_stock(base, models):
    out = {}
    k = len(models)
    for n in base:
        theta0 = compute(base[n])
        deltas = [(compute(m[n]) - theta0).double().flatten() for m in models]
        cos = 0.0
        for i in range(k):
            for j in range(i + 1, k):
                cos += (deltas[i] @ deltas[j]).item() / (deltas[i].norm().item() * deltas[j].norm().item())
        cos /= k * (k - 1) / 2
        t = k * cos / (1 + (k - 1) * cos)
        average = sum(compute(m[n]) * (1 / k) for m in models)
        out[n] = average * t + theta0 * (1 - t)
    return out


def breadcrumbs_mask(v, density, gamma):
    n = v.numel()
    keep, top = int(density * n), int(gamma * n)
    top = min(top, n - keep)
    order = torch.sort(v.abs().flatten(), stable=True).indices
    mask = torch.zeros(n, dtype=v.dtype)
    mask[order[n - keep - top:n - top]] = 1
    return mask.reshape(v.shape)


def breadcrumbs(base, models, density, gamma, lam):
    out = {}
    for n in base:
        theta0 = compute(base[n])
        total = None
        for m in models:
            v = compute(m[n]) - theta0
            kept = v * breadcrumbs_mask(v, density, gamma)
            total = kept if total is None else total + kept
        out[n] = theta0 + total * lam
    return out


def derive_seed(parts):
    """Ham's Generator.DeriveSeed: FNV-1a over 64-bit parts."""
    h = 14695981039346656037
    for p in parts:
        h ^= p & 0xFFFFFFFFFFFFFFFF
        h = (h * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def magprune(v, density, epsilon, seed):
    rows = v.reshape(1, -1) if v.dim() < 2 else v.reshape(v.shape[0], -1)
    n = rows.shape[1]
    ranks = torch.sort(rows.abs(), dim=1, stable=True).indices.argsort(dim=1).to(v.dtype)
    keep = ranks * (2 * epsilon / (n - 1)) + (density - epsilon) if n > 1 else torch.full_like(ranks, density)
    g = torch.Generator()
    g.manual_seed(seed)
    kept = (torch.rand(rows.shape, generator=g, dtype=v.dtype) < keep).to(v.dtype)
    return (rows * kept / keep).reshape(v.shape)


def della(base, models, density, epsilon, lam, seed):
    out = {}
    for n in base:
        theta0 = compute(base[n])
        pruned = [magprune(compute(m[n]) - theta0, density, epsilon, derive_seed([seed, i] + [ord(c) for c in n]))
                  for i, m in enumerate(models)]
        elected = sum(pruned[1:], pruned[0]).sign()
        agreeing, count = None, None
        for p in pruned:
            agrees = (p * elected > 0).to(p.dtype)
            agreeing = p * agrees if agreeing is None else agreeing + p * agrees
            count = agrees if count is None else count + agrees
        out[n] = theta0 + agreeing / count.clamp(min=1) * lam
    return out


base, models = random_models()
tensors = {f"base/{n}": t for n, t in base.items()}
for i, m in enumerate(models):
    tensors.update({f"m{i}/{n}": t for n, t in m.items()})
cases = {
    "slerp-0.3": ({"method": "slerp", "models": 2, "t": 0.3}, slerp(models[:2], 0.3)),
    "slerp-default": ({"method": "slerp", "models": 2}, slerp(models[:2], 0.5)),
    "model-stock": ({"method": "model-stock", "models": 3}, model_stock(base, models)),
    "model-stock-2": ({"method": "model-stock", "models": 2}, model_stock(base, models[:2])),
    "breadcrumbs": ({"method": "breadcrumbs", "models": 3, "density": 0.3, "gamma": 0.1, "lambda": 0.8},
                    breadcrumbs(base, models, 0.3, 0.1, 0.8)),
    "breadcrumbs-default": ({"method": "breadcrumbs", "models": 3}, breadcrumbs(base, models, 0.1, 0.01, 1.0)),
    "della": ({"method": "della", "models": 3, "density": 0.6, "epsilon": 0.2, "lambda": 1.1, "seed": 5},
              della(base, models, 0.6, 0.2, 1.1, 5)),
    "della-default": ({"method": "della", "models": 3}, della(base, models, 0.7, 0.1, 1.0, 0)),
}
for name, (_, out) in cases.items():
    tensors.update({f"{name}/{n}": t.to(base[n].dtype) for n, t in out.items()})

CODES = {torch.float32: "F32", torch.float64: "F64"}
header, blobs, offset = {"__metadata__": {"cases": json.dumps({k: v[0] for k, v in cases.items()})}}, [], 0
for name, t in tensors.items():
    blob = t.contiguous().numpy().tobytes()
    header[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
    blobs.append(blob)
    offset += len(blob)
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open("method_reference.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for blob in blobs:
        f.write(blob)
print(len(cases), "cases,", offset, "bytes")
