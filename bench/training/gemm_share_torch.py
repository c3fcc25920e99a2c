"""Where a ViT-B/16 training step's time goes in PyTorch (Debian's python3-torch): the share of
matrix products (aten::mm, addmm, bmm: BLAS sgemm) in torch.profiler's self CPU time for one step
(forward, backward, AdamW; batch 8 at 224 px), and the sgemm rate of a 2048^2 product on the same
threads. The README's explanation of the HAM-step ratio rests on these two figures: with the step
that GEMM-bound, and the same BLAS on both sides, the non-GEMM rest bounds any lead.

usage: gemm_share_torch.py THREADS
prints: "gemm_share PERCENT" and "sgemm_gflops RATE"
"""
import os
import sys
import time

import torch
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "foundation"))
from vit_train_torch import VisionTransformer  # noqa: E402

GEMMS = {"aten::mm", "aten::addmm", "aten::bmm"}


def main():
    torch.set_num_threads(int(sys.argv[1]))
    torch.manual_seed(0)
    model = VisionTransformer(768, 12, 16, 224, 512)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    images, labels, head = torch.randn(8, 3, 224, 224), torch.randint(0, 10, (8,)), torch.randn(512, 10)

    def step():
        loss = F.cross_entropy(model(images) @ head, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    step()
    with profile(activities=[ProfilerActivity.CPU]) as p:
        step()
    events = p.key_averages()
    total = sum(e.self_cpu_time_total for e in events)
    gemm = sum(e.self_cpu_time_total for e in events if e.key in GEMMS)
    print(f"gemm_share {100 * gemm / total:.1f}")

    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    a @ b
    start = time.perf_counter()
    for _ in range(5):
        a @ b
    seconds = (time.perf_counter() - start) / 5
    print(f"sgemm_gflops {2 * 2048 ** 3 / seconds / 1e9:.1f}")


if __name__ == "__main__":
    main()
