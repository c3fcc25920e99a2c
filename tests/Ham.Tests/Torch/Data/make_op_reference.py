"""Writes op_reference.safetensors: inputs and PyTorch outputs for OpReferenceTests.

Run with Debian's python3-torch (1.13): /usr/bin/python3 make_op_reference.py
Each case NAME stores NAME/in0, NAME/in1, ... and NAME/out0, NAME/out1, ...; float inputs are
float64 so the comparison is tight. OpReferenceTests.cs applies the same op to the inputs.
"""
import json
import struct

import torch
import torch.nn.functional as F

torch.manual_seed(0)
D = torch.float64


def r(*shape):
    return torch.randn(*shape, dtype=D)


def pos(*shape):
    return torch.rand(*shape, dtype=D) + 0.1


cases = {}


def case(name, inputs, fn):
    out = fn(*inputs)
    if not isinstance(out, (tuple, list)):
        out = (out,)
    cases[name] = (list(inputs), [o.contiguous() for o in out])


x = r(3, 4)
# elementwise
for name, fn in {
    "neg": torch.neg, "abs": torch.abs, "sign": torch.sign, "exp": torch.exp, "sin": torch.sin,
    "cos": torch.cos, "tanh": torch.tanh, "erf": torch.erf, "floor": torch.floor, "ceil": torch.ceil,
    "round": torch.round, "sigmoid": torch.sigmoid, "relu": torch.relu, "square": torch.square,
    "gelu": F.gelu, "gelu_tanh": lambda t: F.gelu(t, approximate="tanh"), "silu": F.silu,
    "leaky_relu": lambda t: F.leaky_relu(t, 0.1), "quick_gelu": lambda t: t * torch.sigmoid(1.702 * t),
    "clamp": lambda t: t.clamp(-0.5, 0.7), "clamp_min": lambda t: t.clamp(min=0.2),
}.items():
    case(name, [x], fn)
p = pos(3, 4)
for name, fn in {"log": torch.log, "sqrt": torch.sqrt, "rsqrt": torch.rsqrt, "reciprocal": torch.reciprocal}.items():
    case(name, [p], fn)
a, b = r(2, 1, 4), r(3, 4)
for name, fn in {
    "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "maximum": torch.maximum,
    "minimum": torch.minimum, "remainder": torch.remainder, "lt": torch.lt, "ge": torch.ge, "eq": torch.eq,
    "lerp": lambda u, v: torch.lerp(u, v, 0.3), "where": lambda u, v: torch.where(u > v, u, v),
}.items():
    case(name, [a, b], fn)
case("pow", [pos(3, 4), r(3, 4)], torch.pow)
case("pow_scalar", [pos(3, 4)], lambda t: t.pow(2.5))
case("scalar_ops", [x], lambda t: ((2.0 - t) * 3.0 + 1.5) / 4.0)
case("rdiv", [p], lambda t: 2.0 / t)
# nn
case("matmul_batched", [r(2, 3, 4), r(4, 5)], torch.matmul)
case("mm", [r(3, 4), r(4, 2)], torch.mm)
case("bmm", [r(2, 3, 4), r(2, 4, 5)], torch.bmm)
case("baddbmm", [r(2, 3, 5), r(2, 3, 4), r(2, 4, 5)], lambda i, u, v: torch.baddbmm(i, u, v, beta=0.5, alpha=2.0))
case("linear", [r(2, 3, 4), r(5, 4), r(5)], F.linear)
case("conv2d", [r(2, 4, 7, 6), r(6, 2, 3, 3), r(6)], lambda t, w, bb: F.conv2d(t, w, bb, stride=2, padding=1, groups=2))
case("conv2d_dilated", [r(1, 2, 8, 8), r(3, 2, 3, 3)], lambda t, w: F.conv2d(t, w, None, stride=1, padding=2, dilation=2))
img = r(2, 3, 7, 9)
case("avg_pool2d", [img], lambda t: F.avg_pool2d(t, 3, 2, 1))
case("max_pool2d", [img], lambda t: F.max_pool2d(t, 3, 2, 1))
case("adaptive_avg_pool2d", [img], lambda t: F.adaptive_avg_pool2d(t, (3, 4)))
case("adaptive_max_pool2d", [img], lambda t: F.adaptive_max_pool2d(t, (3, 4)))
case("layer_norm", [r(2, 3, 5), r(5), r(5)], lambda t, w, bb: F.layer_norm(t, (5,), w, bb, 1e-5))
case("group_norm", [r(2, 6, 3, 3), r(6), r(6)], lambda t, w, bb: F.group_norm(t, 3, w, bb, 1e-5))
case("batch_norm_eval", [img, r(3), pos(3), r(3), r(3)], lambda t, m, v, w, bb: F.batch_norm(t, m, v, w, bb, False, 0.1, 1e-5))
case("softmax", [r(3, 5)], lambda t: torch.softmax(t, 1))
case("log_softmax", [r(3, 5)], lambda t: torch.log_softmax(t, 0))
case("embedding", [r(6, 3), torch.tensor([[0, 5, 2], [2, 2, 1]])], lambda w, i: F.embedding(i, w))
logits, target = r(4, 5), torch.tensor([1, 0, 4, 2])
case("cross_entropy", [logits, target], F.cross_entropy)
case("cross_entropy_smoothing", [logits, target], lambda l, t: F.cross_entropy(l, t, label_smoothing=0.1))
case("cross_entropy_none", [logits, target], lambda l, t: F.cross_entropy(l, t, reduction="none"))
case("nll_loss", [torch.log_softmax(logits, 1), target], F.nll_loss)
case("mse_loss", [r(3, 4), r(3, 4)], F.mse_loss)
small = r(1, 2, 9, 11)
case("interpolate_bilinear", [small], lambda t: F.interpolate(t, size=(5, 7), mode="bilinear", align_corners=False))
case("interpolate_bicubic", [small], lambda t: F.interpolate(t, size=(13, 6), mode="bicubic", align_corners=False))
case("interpolate_bicubic_aa", [small], lambda t: F.interpolate(t, size=(4, 5), mode="bicubic", align_corners=False, antialias=True))
case("interpolate_bilinear_aa", [small], lambda t: F.interpolate(t, size=(4, 5), mode="bilinear", align_corners=False, antialias=True))
# reductions
m = r(3, 4, 5)
case("sum_dims", [m], lambda t: t.sum((0, 2)))
case("mean_keepdim", [m], lambda t: t.mean(1, keepdim=True))
case("prod", [r(2, 3)], torch.prod)
case("var", [m], lambda t: t.var(1))
case("std_biased", [m], lambda t: t.std(2, unbiased=False))
case("norm_l1", [m], lambda t: t.norm(1, dim=(1, 2)))
case("norm_l2", [m], lambda t: t.norm(2))
case("logsumexp", [m], lambda t: t.logsumexp(2))
case("max_dim", [m], lambda t: t.max(1))
case("min_dim", [m], lambda t: t.min(2, keepdim=True))
case("argmax", [m], lambda t: t.argmax(2))
case("cumsum", [m], lambda t: t.cumsum(1))
case("sort_desc", [m], lambda t: t.sort(2, descending=True))
case("topk", [m], lambda t: t.topk(2, 2))
case("kthvalue", [m], lambda t: t.kthvalue(3, 1))
case("quantile", [m], lambda t: t.quantile(0.3, 2))
case("quantile_all", [m], lambda t: t.quantile(0.85))
# shape and indexing
case("permute", [m], lambda t: t.permute(2, 0, 1))
case("transpose", [m], lambda t: t.transpose(0, 2))
case("flatten", [m], lambda t: t.flatten(1))
case("expand", [r(3, 1)], lambda t: t.expand(3, 4))
case("repeat", [r(2, 3)], lambda t: t.repeat(2, 1, 2))
case("flip", [m], lambda t: t.flip(0, 2))
case("narrow", [m], lambda t: t.narrow(2, 1, 3))
case("select", [m], lambda t: t.select(1, 2))
case("slice_step", [m], lambda t: t[:, :, 1:5:2])
case("tril", [r(4, 4)], lambda t: t.tril(-1))
case("triu", [r(4, 4)], lambda t: t.triu(1))
case("diagonal", [r(4, 4)], lambda t: t.diagonal(1))
case("cat", [r(2, 3), r(4, 3)], lambda u, v: torch.cat([u, v], 0))
case("stack", [r(2, 3), r(2, 3)], lambda u, v: torch.stack([u, v], 1))
case("split", [r(7, 2)], lambda t: t.split(3, 0))
case("chunk", [r(2, 7)], lambda t: t.chunk(3, 1))
idx = torch.tensor([2, 0, 2])
case("index_select", [m, idx], lambda t, i: t.index_select(1, i))
gi = torch.tensor([[0, 2], [1, 1], [3, 0]])
case("gather", [r(3, 4), gi], lambda t, i: t.gather(1, i))
case("scatter", [torch.zeros(3, 4, dtype=D), torch.tensor([[0, 2], [1, 3], [3, 0]]), r(3, 2)], lambda t, i, s: t.scatter(1, i, s))
case("scatter_add", [torch.zeros(3, 4, dtype=D), gi, r(3, 2)], lambda t, i, s: t.scatter_add(1, i, s))
mask = torch.tensor([[True, False, True, False]] * 3)
case("masked_fill", [r(3, 4), mask], lambda t, k: t.masked_fill(k, -7.0))
case("masked_select", [r(3, 4), mask], lambda t, k: t.masked_select(k))
case("one_hot", [torch.tensor([0, 3, 1])], lambda t: F.one_hot(t, 5))
case("pad", [r(1, 2, 3)], lambda t: F.pad(t, (1, 2, 0, 1), value=0.5))
# linear algebra (values that are unique: singular values, eigenvalues, R's diagonal signs fixed by LAPACK)
sq = r(5, 4)
case("svd_values", [sq], lambda t: torch.linalg.svdvals(t))
sym = r(4, 4)
case("eigh_values", [sym], lambda t: torch.linalg.eigh(t + t.T)[0])  # symmetrized inside, so every entry matters
case("qr", [sq], lambda t: torch.linalg.qr(t))
case("inverse", [r(3, 3) + 3 * torch.eye(3, dtype=D)], torch.inverse)
# seeded generator: identical to torch.Generator().manual_seed(seed) draws
g = lambda: torch.Generator().manual_seed(1234)
cases["random_normal"] = ([], [torch.randn(3, 5, generator=g())])
cases["random_uniform"] = ([], [torch.rand(3, 5, generator=g())])
cases["random_randint"] = ([], [torch.randint(0, 10, (3, 5), generator=g())])
cases["random_randperm"] = ([], [torch.randperm(12, generator=g())])
cases["random_bernoulli"] = ([], [torch.empty(3, 5).bernoulli_(0.3, generator=g())])  # as dropout draws its mask

DTYPES = {torch.float64: "F64", torch.float32: "F32", torch.int64: "I64", torch.bool: "BOOL"}
tensors = {}
for name, (inputs, outputs) in cases.items():
    for i, t in enumerate(inputs):
        tensors[f"{name}/in{i}"] = t.contiguous()
    for i, t in enumerate(outputs):
        tensors[f"{name}/out{i}"] = t
header, blobs, offset = {}, [], 0
for key in sorted(tensors):
    t = tensors[key]
    data = t.numpy().tobytes() if t.dtype != torch.bool else t.to(torch.uint8).numpy().tobytes()
    header[key] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open("op_reference.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for blob in blobs:
        f.write(blob)
print(len(cases), "cases,", offset, "bytes")
