"""Writes the torchvision ResNet references for ResNetReferenceTests into OUT_DIR.

usage: /usr/bin/python3 make_resnet_reference.py OUT_DIR   (Debian's python3-torch, python3-torchvision)

For each of resnet18 and resnet50, built with random weights from torch.manual_seed(SEED):
  ARCH.pth                    torch.save(model.state_dict()), after the batch-norm tensors are
                              perturbed (seeded) so that eval-mode batch norm is not the identity
  ARCH.expected.safetensors   images        uint8 (N, H, W, 3), seeded noise
                              pixel_values  float32 (N, 3, H, W) = (images / 255 - mean) / std, ImageNet's
                              features      eval mode: what fc reads (N, 512 or 2048)
                              logits        eval mode: model(pixel_values)
                              train_logits  train mode (batch statistics) on the same pixels, fed
                                            channels-last as Ham feeds them
                              train_conv1_grad   d cross_entropy(train_logits, labels) / d conv1.weight
                              labels        int64 (N,), the targets of that loss
                              train.NAME    every batch-norm buffer after that one train-mode forward
The weights are ~100 MB: the test runs this script into a cache folder instead of committing them.
"""
import copy
import json
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

# arch: (model seed, perturbation and image seed, images, height, width)
CASES = {
    "resnet18": (18, 1018, 2, 192, 160),
    "resnet50": (50, 1050, 3, 224, 224),
}
MEAN = torch.tensor([0.485, 0.456, 0.406])
STD = torch.tensor([0.229, 0.224, 0.225])
DTYPES = {torch.float32: "F32", torch.int64: "I64", torch.uint8: "U8"}


def perturb_batch_norm(model, generator):
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.weight.uniform_(0.5, 1.5, generator=generator)
                module.bias.normal_(0.0, 0.1, generator=generator)
                module.running_mean.normal_(0.0, 0.2, generator=generator)
                module.running_var.uniform_(0.5, 2.0, generator=generator)
                module.num_batches_tracked.fill_(7)


def save_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for key in sorted(tensors):
        t = tensors[key].detach().contiguous()
        data = t.numpy().tobytes()
        header[key] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def make(arch, out_dir):
    seed, data_seed, n, height, width = CASES[arch]
    torch.manual_seed(seed)
    model = getattr(torchvision.models, arch)()
    generator = torch.Generator().manual_seed(data_seed)
    perturb_batch_norm(model, generator)
    model.eval()
    torch.save(model.state_dict(), os.path.join(out_dir, f"{arch}.pth"))

    images = torch.randint(0, 256, (n, height, width, 3), dtype=torch.uint8, generator=generator)
    pixels = ((images.float() / 255 - MEAN) / STD).permute(0, 3, 1, 2).contiguous()
    labels = torch.randint(0, 1000, (n,), generator=generator)
    out = {"images": images, "pixel_values": pixels, "labels": labels}

    captured = []
    model.fc.register_forward_hook(lambda module, inputs, output: captured.append(inputs[0]))
    with torch.no_grad():
        out["logits"] = model(pixels)
    out["features"] = captured[0]

    # Train mode on a channels-last input, as Ham.Vision's ResNet runs (its stem makes the input
    # NHWC). The conv1 gradient through batch norm on batch statistics of 2-3 images is
    # ill-conditioned: in PyTorch itself the NCHW and NHWC kernels give resnet50 gradients 3.9%
    # apart (of the largest entry) and NCHW float32 is 2.6% from float64, so a reference computed
    # another way than Ham computes it would test rounding, not the graph.
    trained = copy.deepcopy(model).train()
    logits = trained(pixels.contiguous(memory_format=torch.channels_last))
    F.cross_entropy(logits, labels).backward()
    out["train_logits"] = logits
    out["train_conv1_grad"] = trained.conv1.weight.grad
    for name, buffer in trained.named_buffers():
        out[f"train.{name}"] = buffer
    save_safetensors(os.path.join(out_dir, f"{arch}.expected.safetensors"), out)


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    for arch in CASES:
        make(arch, out_dir)
        print(arch, "written")


if __name__ == "__main__":
    main()
