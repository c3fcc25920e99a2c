"""Writes loss_reference.safetensors: inputs, values and input gradients of DomainBed's losses
(facebookresearch/DomainBed, domainbed/algorithms.py and lib/misc.py) and of CLIPood's margin
metric softmax (thuml/CLIPood, engine.py's train step) for LossesTests.cs.

Run with Debian's python3-torch (1.13): /usr/bin/python3 make_loss_reference.py
The functions below restate DomainBed's operations one for one (same ops, same order, so float32
rounds as there). For every case CASE and dtype DT (float64, float32) the file holds
CASE/DT/<input>, CASE/DT/value and CASE/DT/grad_<input> (d value / d input by autograd;
for IRM through DomainBed's create_graph=True double backward).
"""
import json
import struct

import torch
import torch.nn.functional as F


def irm_penalty(logits, y):  # IRM._irm_penalty
    scale = torch.tensor(1.0, dtype=logits.dtype).requires_grad_()
    loss_even = F.cross_entropy(logits[::2] * scale, y[::2])
    loss_odd = F.cross_entropy(logits[1::2] * scale, y[1::2])
    grad_even = torch.autograd.grad(loss_even, [scale], create_graph=True)[0]
    grad_odd = torch.autograd.grad(loss_odd, [scale], create_graph=True)[0]
    return torch.sum(grad_even * grad_odd)


def my_cdist(a, b):  # AbstractMMD.my_cdist
    norm_a = a.pow(2).sum(dim=-1, keepdim=True)
    norm_b = b.pow(2).sum(dim=-1, keepdim=True)
    return torch.addmm(norm_b.transpose(-2, -1), a, b.transpose(-2, -1), alpha=-2).add_(norm_a).clamp_min_(1e-30)


def gaussian_kernel(a, b, gammas=(0.001, 0.01, 0.1, 1, 10, 100, 1000)):  # AbstractMMD.gaussian_kernel
    distances = my_cdist(a, b)
    kernel = torch.zeros_like(distances)
    for g in gammas:
        kernel.add_(torch.exp(distances.mul(-g)))
    return kernel


def mmd_gaussian(x, y):  # AbstractMMD.mmd, kernel_type "gaussian" (MMD)
    return gaussian_kernel(x, x).mean() + gaussian_kernel(y, y).mean() - 2 * gaussian_kernel(x, y).mean()


def coral(x, y):  # AbstractMMD.mmd, kernel_type "mean_cov" (CORAL)
    mean_x, mean_y = x.mean(0, keepdim=True), y.mean(0, keepdim=True)
    cent_x, cent_y = x - mean_x, y - mean_y
    cova_x = (cent_x.t() @ cent_x) / (len(x) - 1)
    cova_y = (cent_y.t() @ cent_y) / (len(y) - 1)
    return (mean_x - mean_y).pow(2).mean() + (cova_x - cova_y).pow(2).mean()


def mixup_objective(predictions, yi, yj, lam):  # Mixup.update, one pair
    return lam * F.cross_entropy(predictions, yi) + (1 - lam) * F.cross_entropy(predictions, yj)


def mix(xi, xj, lam):
    return lam * xi + (1 - lam) * xj


def margin_metric_softmax(features, text, labels, alpha, temperature):  # CLIPood engine.train, after normalizing f
    f = features - alpha * text[labels]
    return F.cross_entropy(temperature * (f @ text.T), labels)


def pairs_of_minibatches(minibatches):  # misc.random_pairs_of_minibatches
    perm = torch.randperm(len(minibatches)).tolist()
    pairs = []
    for i in range(len(minibatches)):
        j = i + 1 if i < len(minibatches) - 1 else 0
        pairs.append((perm[i], perm[j]))
    return perm, pairs


torch.manual_seed(0)
tensors = {}


def case(name, dtype, inputs, fn, differentiable):
    """inputs: name -> float64 or int64 tensor; the float ones are cast to dtype."""
    prefix = f"{name}/{str(dtype).split('.')[-1]}"
    leaves = {}
    for key, value in inputs.items():
        t = value.to(dtype) if value.is_floating_point() else value
        if key in differentiable:
            t = t.clone().requires_grad_()
        leaves[key] = t
        tensors[f"{prefix}/{key}"] = t.detach().clone()
    value = fn(**leaves)
    tensors[f"{prefix}/value"] = value.detach().clone()
    grads = torch.autograd.grad(value.sum(), [leaves[k] for k in differentiable])
    for key, g in zip(differentiable, grads):
        tensors[f"{prefix}/grad_{key}"] = g.detach().clone()


D = torch.float64
irm_even = {"logits": torch.randn(10, 5, dtype=D) * 2, "labels": torch.randint(0, 5, (10,))}
irm_odd = {"logits": torch.randn(7, 4, dtype=D) * 3, "labels": torch.randint(0, 4, (7,))}
wide = {"x": torch.randn(9, 6, dtype=D), "y": torch.randn(7, 6, dtype=D) * 1.5 + 0.3}
# Features near each other, so every gamma of the kernel sum (and the 1e-30 clamp) matters.
near = {"x": torch.randn(8, 5, dtype=D) * 0.2, "y": torch.randn(6, 5, dtype=D) * 0.1 + 0.05}
# y's rows lie within ~0.04 of x's, so the largest gammas (100, 1000) weigh the cross pairs too.
close_x = torch.randn(6, 4, dtype=D)
close = {"x": close_x, "y": close_x[:5] + 0.02 * torch.randn(5, 4, dtype=D)}
mixup_inputs = {"logits": torch.randn(8, 5, dtype=D) * 2, "labels_i": torch.randint(0, 5, (8,)), "labels_j": torch.randint(0, 5, (8,))}
mix_inputs = {"xi": torch.randn(4, 3, 2, 2, dtype=D), "xj": torch.randn(4, 3, 2, 2, dtype=D)}
LAM = 0.3

for dtype in (torch.float64, torch.float32):
    case("irm_even", dtype, irm_even, lambda logits, labels: irm_penalty(logits, labels), ["logits"])
    case("irm_odd", dtype, irm_odd, lambda logits, labels: irm_penalty(logits, labels), ["logits"])
    for name, inputs in (("wide", wide), ("near", near), ("close", close)):
        case(f"coral_{name}", dtype, inputs, coral, ["x", "y"])
        case(f"mmd_{name}", dtype, inputs, mmd_gaussian, ["x", "y"])
    case("mixup", dtype, mixup_inputs, lambda logits, labels_i, labels_j: mixup_objective(logits, labels_i, labels_j, LAM), ["logits"])
    case("mix", dtype, mix_inputs, lambda xi, xj: mix(xi, xj, LAM), ["xi", "xj"])

# CLIPood: unit image features and unit class text embeddings (drawn after every case above, so
# their inputs stay what they were); alpha 0.3 and temperature 100 (exp of CLIP's logit scale).
MMS_ALPHA, MMS_TEMPERATURE = 0.3, 100.0
unit = lambda t: t / t.norm(dim=-1, keepdim=True)
mms_inputs = {"features": unit(torch.randn(6, 8, dtype=D)), "text": unit(torch.randn(4, 8, dtype=D)), "labels": torch.randint(0, 4, (6,))}
for dtype in (torch.float64, torch.float32):
    case("mms", dtype, mms_inputs, lambda features, text, labels: margin_metric_softmax(features, text, labels, MMS_ALPHA, MMS_TEMPERATURE), ["features"])

# DomainBed's pairing: the permutation torch.randperm drew and the pairs made from it.
pairs = []
for seed, domains in ((0, 3), (1, 4), (2, 2), (3, 1), (4, 5)):
    torch.manual_seed(seed)
    perm, made = pairs_of_minibatches([(torch.zeros(1), torch.zeros(1))] * domains)
    pairs.append({"permutation": perm, "pairs": made})

DTYPES = {torch.float64: "F64", torch.float32: "F32", torch.int64: "I64"}
header, blobs, offset = {"__metadata__": {"lam": str(LAM), "pairs": json.dumps(pairs),
                                      "mms_alpha": str(MMS_ALPHA), "mms_temperature": str(MMS_TEMPERATURE)}}, [], 0
for key in sorted(tensors):
    t = tensors[key].contiguous()
    data = t.numpy().tobytes()
    header[key] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open("loss_reference.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for blob in blobs:
        f.write(blob)
print(len(tensors), "tensors,", offset, "bytes")
