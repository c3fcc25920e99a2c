"""Writes the torch.save files TorchSaveTests.cs reads (Debian's python3-torch 1.13):

torch_save_cases.pth          an OrderedDict with _metadata, as model.state_dict() is, holding what
                              a state dict can: fp32/fp16/bf16/int64/bool tensors, a 0-dim counter,
                              a transposed view, a slice at a storage offset, one tensor under two
                              names, a nested dict, and non-tensor values (skipped when read)
torch_save_cases.safetensors  the same tensors, contiguous, under the dotted names Ham gives them
torch_save_legacy.pth         the pre-1.6 format (_use_new_zipfile_serialization=False), refused

usage: /usr/bin/python3 make_torch_save_cases.py   (writes beside itself)
"""
import collections
import json
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64", torch.bool: "BOOL"}

torch.manual_seed(0)
base = torch.randn(4, 6)
tied = torch.randn(3, 2)
state = collections.OrderedDict()
state["weight"] = torch.randn(5, 3)
state["half"] = torch.randn(7).half()
state["bfloat"] = torch.randn(2, 3).bfloat16()
state["index"] = torch.arange(6).reshape(2, 3)
state["mask"] = torch.tensor([True, False, True])
state["num_batches_tracked"] = torch.tensor(7)
state["transposed"] = base.t()          # strides (1, 6)
state["slice"] = base[1:3, 2:5]         # offset 8, strides (6, 1)
state["row"] = base[3]                  # offset 18, contiguous
state["tied_a"] = tied
state["tied_b"] = tied
state["nested"] = {"inner": torch.randn(2, 2), "epoch": 3}
state["step"] = 12
state["name"] = "resnet"
state["sizes"] = [1, 2, 3]
state._metadata = collections.OrderedDict([("", {"version": 1})])
torch.save(state, os.path.join(HERE, "torch_save_cases.pth"))
torch.save({"weight": torch.randn(2)}, os.path.join(HERE, "torch_save_legacy.pth"), _use_new_zipfile_serialization=False)

flat = {k: v for k, v in state.items() if isinstance(v, torch.Tensor)}
flat["nested.inner"] = state["nested"]["inner"]
header, blobs, offset = {}, [], 0
for key in sorted(flat):
    t = flat[key].contiguous()
    data = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
    header[key] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open(os.path.join(HERE, "torch_save_cases.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for blob in blobs:
        f.write(blob)
