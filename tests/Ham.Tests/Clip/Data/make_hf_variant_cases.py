"""Reference outputs of the vit-tiny Hugging Face fixture under other config.json settings.

HuggingFaceConfigTests rewrites ../shared/fixtures/clip/vit-tiny/hf/config.json to GELU, to
32-wide attention heads and to another layer-norm epsilon, and compares Ham's features with
these. transformers is not installed here, so the CLIPModel forward is written out in plain torch
after transformers' modeling_clip.py (CLIPVisionEmbeddings, CLIPTextEmbeddings, CLIPAttention,
CLIPMLP, CLIPEncoderLayer, get_image_features / get_text_features). The script first checks that
the original config reproduces the fixture's own expected.safetensors.

Run from the repository root with Debian's python3-torch: /usr/bin/python3 tests/Ham.Tests/Clip/Data/make_hf_variant_cases.py
"""
import json
import os
import struct

import torch
import torch.nn.functional as F

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "..", "shared", "fixtures", "clip", "vit-tiny")
OUT = os.path.join(os.path.dirname(__file__), "hf_variants.safetensors")

DTYPES = {"F32": torch.float32, "F16": torch.float16, "I64": torch.int64}


def read_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = bytearray(data[8 + n + begin:8 + n + end])
        tensors[name] = torch.frombuffer(raw, dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"]).clone()
    return tensors


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        blob = bytes(t.float().contiguous().view(torch.uint8).flatten().tolist())  # numpy is not installed
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def activation(name):
    if name == "quick_gelu":
        return lambda x: x * torch.sigmoid(1.702 * x)
    if name == "gelu":
        return F.gelu
    raise ValueError(name)


def encoder(w, prefix, x, layers, heads, act, eps, mask=None):
    """CLIPEncoder: pre-norm blocks, x = x + attn(ln1(x)); x = x + mlp(ln2(x)). x is (N, L, E)."""
    n, length, width = x.shape
    d = width // heads
    for i in range(layers):
        p = f"{prefix}.encoder.layers.{i}."
        h = F.layer_norm(x, (width,), w[p + "layer_norm1.weight"], w[p + "layer_norm1.bias"], eps)
        q = F.linear(h, w[p + "self_attn.q_proj.weight"], w[p + "self_attn.q_proj.bias"]) * d ** -0.5
        k = F.linear(h, w[p + "self_attn.k_proj.weight"], w[p + "self_attn.k_proj.bias"])
        v = F.linear(h, w[p + "self_attn.v_proj.weight"], w[p + "self_attn.v_proj.bias"])
        q, k, v = (t.reshape(n, length, heads, d).transpose(1, 2) for t in (q, k, v))
        scores = q @ k.transpose(-1, -2)
        if mask is not None:
            scores = scores + mask
        attended = (scores.softmax(-1) @ v).transpose(1, 2).reshape(n, length, width)
        x = x + F.linear(attended, w[p + "self_attn.out_proj.weight"], w[p + "self_attn.out_proj.bias"])
        h = F.layer_norm(x, (width,), w[p + "layer_norm2.weight"], w[p + "layer_norm2.bias"], eps)
        x = x + F.linear(act(F.linear(h, w[p + "mlp.fc1.weight"], w[p + "mlp.fc1.bias"])), w[p + "mlp.fc2.weight"], w[p + "mlp.fc2.bias"])
    return x


def image_features(w, config, pixels):
    c = config["vision_config"]
    eps, act = c["layer_norm_eps"], activation(c["hidden_act"])
    patches = F.conv2d(pixels, w["vision_model.embeddings.patch_embedding.weight"], stride=c["patch_size"])
    patches = patches.flatten(2).transpose(1, 2)                                  # (N, grid^2, width)
    cls = w["vision_model.embeddings.class_embedding"].expand(pixels.shape[0], 1, -1)
    x = torch.cat([cls, patches], 1) + w["vision_model.embeddings.position_embedding.weight"]
    width = x.shape[-1]
    x = F.layer_norm(x, (width,), w["vision_model.pre_layrnorm.weight"], w["vision_model.pre_layrnorm.bias"], eps)
    x = encoder(w, "vision_model", x, c["num_hidden_layers"], c["num_attention_heads"], act, eps)
    pooled = F.layer_norm(x[:, 0], (width,), w["vision_model.post_layernorm.weight"], w["vision_model.post_layernorm.bias"], eps)
    return pooled @ w["visual_projection.weight"].T


def text_features(w, config, ids):
    c = config["text_config"]
    eps, act = c["layer_norm_eps"], activation(c["hidden_act"])
    length = ids.shape[1]
    x = w["text_model.embeddings.token_embedding.weight"][ids] + w["text_model.embeddings.position_embedding.weight"][:length]
    mask = torch.full((length, length), float("-inf")).triu(1)
    x = encoder(w, "text_model", x, c["num_hidden_layers"], c["num_attention_heads"], act, eps, mask)
    width = x.shape[-1]
    x = F.layer_norm(x, (width,), w["text_model.final_layer_norm.weight"], w["text_model.final_layer_norm.bias"], eps)
    pooled = x[torch.arange(ids.shape[0]), (ids == c["eos_token_id"]).int().argmax(-1)]   # the first end-of-text token
    return pooled @ w["text_projection.weight"].T


def variant(config, act=None, head_width=None, eps=None):
    config = json.loads(json.dumps(config))
    for tower in ("text_config", "vision_config"):
        c = config[tower]
        if act:
            c["hidden_act"] = act
        if head_width:
            c["num_attention_heads"] = c["hidden_size"] // head_width
        if eps:
            c["layer_norm_eps"] = eps
    return config


def main():
    torch.set_grad_enabled(False)
    weights = read_safetensors(os.path.join(FIXTURE, "hf", "model.safetensors"))
    config = json.load(open(os.path.join(FIXTURE, "hf", "config.json")))
    expected = read_safetensors(os.path.join(FIXTURE, "expected.safetensors"))
    pixels, ids = expected["pixel_values"], expected["input_ids"]

    # The plain-torch forward reproduces the fixture's own reference outputs.
    for name, got in (("image_features", image_features(weights, config, pixels)), ("text_features", text_features(weights, config, ids))):
        scale = expected[name].abs().max()
        assert (got - expected[name]).abs().max() <= 1e-4 * scale, name

    variants = {
        "gelu": variant(config, act="gelu"),
        "heads32": variant(config, head_width=32),
        "gelu_heads32": variant(config, act="gelu", head_width=32),
        "gelu_heads32_eps": variant(config, act="gelu", head_width=32, eps=1e-3),
    }
    out = {}
    for name, c in variants.items():
        out[f"{name}.image_features"] = image_features(weights, c, pixels)
        out[f"{name}.text_features"] = text_features(weights, c, ids)
        print(name, {t: c[t]["num_attention_heads"] for t in ("text_config", "vision_config")},
              "max |change| image", float((out[f"{name}.image_features"] - expected["image_features"]).abs().max()))
    write_safetensors(OUT, out)


if __name__ == "__main__":
    main()
